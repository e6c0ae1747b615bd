package dev.vcdn.edge.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ViewerCountTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void pastTheLimitNewAddressesAreRefusedAndTheWatchingOnesKeptUntilTheyLeave() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 2, now::get);
        assertThat(viewers.admit("10.0.0.1")).isTrue();
        assertThat(viewers.admit("10.0.0.2")).isTrue();
        assertThat(viewers.full()).isTrue();
        assertThat(viewers.admit("10.0.0.3")).as("a new viewer of a full node").isFalse();
        assertThat(viewers.admit("10.0.0.1")).as("a viewer already watching").isTrue();
        assertThat(viewers.refused()).isEqualTo(1);

        now.addAndGet(Duration.ofSeconds(6).toNanos());
        viewers.admit("10.0.0.1");
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        viewers.expire();
        assertThat(viewers.count()).as("10.0.0.2 stopped reloading 12 s ago").isEqualTo(1);
        assertThat(viewers.admit("10.0.0.3")).as("its place is free").isTrue();
    }

    @Test
    void withoutALimitEveryoneIsAdmittedAndCounted() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 0, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(viewers.admit("10.0." + (i / 256) + "." + (i % 256))).isTrue();
        }
        assertThat(viewers.full()).isFalse();
        assertThat(viewers.count()).isEqualTo(1000);
    }

    @Test
    void addressesPastTheTrackedBoundAreCountedNotRemembered() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 0, now::get);
        for (int i = 0; i < ViewerCount.MAX_TRACKED + 10; i++) {
            viewers.admit(Integer.toString(i));
        }
        assertThat(viewers.count()).isEqualTo(ViewerCount.MAX_TRACKED + 10);
        viewers.expire();
        assertThat(viewers.count()).as("the overflow is counted until the next expiry").isEqualTo(ViewerCount.MAX_TRACKED);
    }
}
