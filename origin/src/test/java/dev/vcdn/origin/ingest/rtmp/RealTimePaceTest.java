package dev.vcdn.origin.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RealTimePaceTest {

    private long nowNanos;
    private final RealTimePace pace = new RealTimePace(3_000, 10_000, () -> nowNanos);

    private void wallClockAt(long millis) {
        nowNanos = millis * 1_000_000;
    }

    @Test
    void aPublisherInRealTimeIsNeverPaused() {
        for (long t = 0; t <= 60_000; t += 40) {
            wallClockAt(t);
            assertThat(pace.pauseFor(t)).isZero();
        }
    }

    @Test
    void aPublisherAheadOfRealTimeWaitsUntilHalfTheLeadIsLeft() {
        wallClockAt(0);
        assertThat(pace.pauseFor(0)).isZero();
        wallClockAt(100);
        assertThat(pace.pauseFor(3_000)).as("2.9 s ahead: within the lead").isZero();
        assertThat(pace.pauseFor(3_200)).as("3.1 s ahead: read again once 1.5 s ahead").isEqualTo(1_600);
    }

    @Test
    void aTimestampJumpStartsTheComparisonAgainInsteadOfPausingForMinutes() {
        wallClockAt(0);
        pace.pauseFor(0);
        wallClockAt(1_000);
        assertThat(pace.pauseFor(5 * 60_000)).as("five minutes forward").isZero();
        wallClockAt(1_040);
        assertThat(pace.pauseFor(5 * 60_000 + 40)).isZero();
        wallClockAt(1_080);
        assertThat(pace.pauseFor(10)).as("and back again").isZero();
        wallClockAt(1_100);
        assertThat(pace.pauseFor(4_000)).as("paced from the new start: 3.97 s ahead").isEqualTo(2_470);
    }

    @Test
    void aPublisherThatFellBehindCatchesUpAtAnySpeed() {
        wallClockAt(0);
        pace.pauseFor(0);
        // A network stall: nothing for 20 s, then the backlog arrives at once.
        for (long t = 40; t <= 20_000; t += 40) {
            wallClockAt(20_000 + t / 100);
            assertThat(pace.pauseFor(t)).as("catching up at %d ms", t).isZero();
        }
        wallClockAt(20_300);
        assertThat(pace.pauseFor(23_400)).as("ahead again once caught up: 3.1 s").isEqualTo(1_600);
    }
}
