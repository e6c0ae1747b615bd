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
        // A network stall: nothing for 9 s, then the backlog arrives at once.
        for (long t = 40; t <= 9_000; t += 40) {
            wallClockAt(9_000 + t / 100);
            assertThat(pace.pauseFor(t)).as("catching up at %d ms", t).isZero();
        }
        wallClockAt(9_100);
        assertThat(pace.pauseFor(12_200)).as("ahead again once caught up: 3.1 s").isEqualTo(1_600);
    }

    @Test
    void howFarBehindAPublisherMayCatchUpIsBoundedByAJumpsWorth() {
        wallClockAt(0);
        pace.pauseFor(0);
        wallClockAt(60_000);
        assertThat(pace.pauseFor(40)).as("a minute behind").isZero();
        // Credit for 10 s of catching up, then the lead rule: paced once more than 3 s ahead of that.
        for (long t = 80; t <= 13_040; t += 40) {
            assertThat(pace.pauseFor(t)).as("catching up at %d ms", t).isZero();
        }
        assertThat(pace.pauseFor(13_080)).as("10 s caught up, then 3.04 s ahead").isEqualTo(1_540);
    }
}
