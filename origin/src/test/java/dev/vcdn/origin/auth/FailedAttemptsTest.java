package dev.vcdn.origin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailedAttemptsTest {

    @Test
    void blocksAnAddressAfterTooManyFailuresUntilTheWindowPasses() {
        MutableClock clock = new MutableClock();
        FailedAttempts attempts = new FailedAttempts(clock, 3, Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertThat(attempts.isBlocked("10.0.0.1")).isFalse();
            attempts.recordFailure("10.0.0.1");
        }
        assertThat(attempts.isBlocked("10.0.0.1")).isTrue();
        assertThat(attempts.isBlocked("10.0.0.2")).as("other addresses are not affected").isFalse();

        clock.advance(Duration.ofSeconds(61));
        assertThat(attempts.isBlocked("10.0.0.1")).isFalse();
    }
}
