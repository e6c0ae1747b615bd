package dev.vcdn.edge.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ViewerCountTest {

    private final AtomicLong now = new AtomicLong();

    private static boolean watch(ViewerCount viewers, String address) {
        String client = ViewerCount.client(address);
        boolean admitted = viewers.admits(client);
        if (admitted) {
            viewers.seen(client);
        }
        return admitted;
    }

    @Test
    void pastTheLimitNewClientsAreRefusedAndTheWatchingOnesKeptUntilTheyLeave() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 2, now::get);
        assertThat(watch(viewers, "10.0.0.1")).isTrue();
        assertThat(watch(viewers, "10.0.0.2")).isTrue();
        assertThat(watch(viewers, "10.0.0.3")).as("a new viewer of a full node").isFalse();
        assertThat(watch(viewers, "10.0.0.1")).as("a viewer already watching").isTrue();
        assertThat(viewers.refused()).isEqualTo(1);

        now.addAndGet(Duration.ofSeconds(6).toNanos());
        viewers.seen("10.0.0.1");
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        viewers.expire();
        assertThat(viewers.count()).as("10.0.0.2 stopped reloading 12 s ago").isEqualTo(1);
        assertThat(watch(viewers, "10.0.0.3")).as("its place is free").isTrue();
    }

    @Test
    void aClientsStampIsWrittenAtMostOnceASecond() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 0, now::get);
        viewers.seen("10.0.0.1");
        now.addAndGet(Duration.ofMillis(900).toNanos());
        viewers.seen("10.0.0.1");
        now.addAndGet(Duration.ofMillis(9200).toNanos());
        viewers.expire();
        assertThat(viewers.count()).as("10.1 s after the stamp written, 9.2 s after the last reload").isZero();

        viewers.seen("10.0.0.1");
        now.addAndGet(Duration.ofMillis(1100).toNanos());
        viewers.seen("10.0.0.1");
        now.addAndGet(Duration.ofMillis(9200).toNanos());
        viewers.expire();
        assertThat(viewers.count()).as("a reload 1.1 s after the stamp writes a new one").isEqualTo(1);
    }

    @Test
    void onlyAnsweredPlaylistsCountSoRequestsForNothingCannotFillTheNode() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 2, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(viewers.admits("10.1." + (i / 256) + "." + (i % 256))).isTrue();
        }
        assertThat(viewers.count()).isZero();
        assertThat(watch(viewers, "10.0.0.1")).isTrue();
    }

    @Test
    void anIpv6SubscriberCountsOnceWhateverItsPrivacyAddresses() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 2, now::get);
        assertThat(watch(viewers, "2001:db8:1:2:0:0:0:1")).isTrue();
        assertThat(watch(viewers, "2001:db8:1:2:a1b2:c3d4:e5f6:7")).as("the same /64").isTrue();
        assertThat(viewers.count()).isEqualTo(1);
        assertThat(watch(viewers, "2001:db8:1:3:0:0:0:1")).as("another /64").isTrue();
        assertThat(watch(viewers, "2001:db8:1:4:0:0:0:1")).isFalse();
    }

    @Test
    void anIpv4AddressIsOneClientHoweverItIsWritten() {
        assertThat(ViewerCount.client("0:0:0:0:0:ffff:127.0.0.11")).isEqualTo("127.0.0.11");
        assertThat(ViewerCount.client("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
        assertThat(ViewerCount.client("10.1.2.3")).isEqualTo("10.1.2.3");
        assertThat(ViewerCount.client("2001:db8:1:2:a1b2:c3d4:e5f6:7")).isEqualTo("2001:db8:1:2");
    }

    @Test
    void theNodeSaysFullALittleBeforeTheLimit() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 100, now::get);
        for (int i = 0; i < 94; i++) {
            watch(viewers, "10.0.0." + i);
        }
        assertThat(viewers.full()).isFalse();
        watch(viewers, "10.0.0.200");
        assertThat(viewers.full()).as("95 of 100").isTrue();
        assertThat(watch(viewers, "10.0.0.201")).as("still admitted below the limit").isTrue();
    }

    @Test
    void withoutALimitEveryoneIsAdmittedAndCounted() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 0, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(watch(viewers, "10.0." + (i / 256) + "." + (i % 256))).isTrue();
        }
        assertThat(viewers.full()).isFalse();
        assertThat(viewers.count()).isEqualTo(1000);
    }

    @Test
    void clientsPastTheTrackedBoundAreCountedNotRememberedAndTheLimitCannotExceedIt() {
        ViewerCount viewers = new ViewerCount(Duration.ofSeconds(10), 0, now::get);
        for (int i = 0; i < ViewerCount.MAX_TRACKED + 10; i++) {
            viewers.seen(Integer.toString(i));
        }
        assertThat(viewers.count()).isEqualTo(ViewerCount.MAX_TRACKED + 10);
        viewers.expire();
        assertThat(viewers.count()).as("the overflow is counted until the next expiry").isEqualTo(ViewerCount.MAX_TRACKED);
        assertThatThrownBy(() -> new ViewerCount(Duration.ofSeconds(10), ViewerCount.MAX_TRACKED + 1, now::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
