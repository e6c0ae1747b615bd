package dev.vcdn.origin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContinuousTimelineTest {

    private static final Payload BYTES = Payload.copyOf(new byte[] {1, 2, 3});

    private final List<MediaPacket> out = new ArrayList<>();
    private final List<Long> jumps = new ArrayList<>();
    private boolean full;
    private final ContinuousTimeline timeline = new ContinuousTimeline(new MediaSink() {
        @Override
        public boolean offer(MediaPacket packet) {
            if (full) {
                return false;
            }
            out.add(packet);
            return true;
        }

        @Override
        public void whenWritable(Runnable callback) {
            callback.run();
        }

        @Override
        public void close() {
        }
    }, (kind, micros) -> jumps.add(micros));

    /** An FLV-like source from {@code sourceStartMillis} on its clock, for {@code millis}: video every 40 ms, audio every 20. */
    private void play(long sourceStartMillis, long millis) {
        for (long t = 0; t < millis; t += 20) {
            if (t % 40 == 0) {
                offer(MediaPacket.frame(Codec.H264, sourceStartMillis + t, sourceStartMillis + t + 80, TimeBase.MILLISECONDS,
                        t % 2000 == 0, BYTES));
            }
            offer(MediaPacket.frame(Codec.AAC, sourceStartMillis + t + 3, sourceStartMillis + t + 3, TimeBase.MILLISECONDS,
                    false, BYTES));
        }
    }

    private void offer(MediaPacket packet) {
        assertThat(timeline.offer(packet)).isTrue();
    }

    private List<Long> dts(MediaKind kind) {
        return out.stream().filter(p -> p.kind() == kind && !p.isConfig()).map(MediaPacket::dts).toList();
    }

    private static void continuous(List<Long> dts, long maxStep) {
        for (int i = 1; i < dts.size(); i++) {
            assertThat(dts.get(i) - dts.get(i - 1)).as("step %d of %s", i, dts).isBetween(0L, maxStep);
        }
    }

    @Test
    void aSteadySourcePassesAsItCame() {
        play(5_000, 4_000);
        assertThat(dts(MediaKind.VIDEO).get(0)).isEqualTo(5_000);
        assertThat(out.stream().filter(p -> p.kind() == MediaKind.VIDEO).allMatch(p -> p.pts() - p.dts() == 80)).isTrue();
        assertThat(jumps).isEmpty();
    }

    @Test
    void aJumpForwardIsShiftedOutOfEveryTrackAtOnce() {
        play(0, 4_000);
        play(124_000, 4_000); // two minutes skipped
        continuous(dts(MediaKind.VIDEO), 80);
        continuous(dts(MediaKind.AUDIO), 60);
        assertThat(jumps).hasSize(1);
        assertThat(jumps.get(0)).isBetween(119_900_000L, 120_000_000L);
        // Audio and video keep their distance: each audio packet 3 ms after its video packet's time.
        List<Long> video = dts(MediaKind.VIDEO);
        List<Long> audio = dts(MediaKind.AUDIO);
        assertThat(audio.get(audio.size() - 1) - video.get(video.size() - 1)).isEqualTo(23);
        assertThat(video.get(video.size() - 1)).isBetween(7_900L, 8_000L);
    }

    @Test
    void aJumpBackIsShiftedOutAndTheOtherTracksLatePacketsStayInPlace() {
        play(300_000, 4_000);
        // The video jumps back first; audio from before the jump still comes, then audio jumps too.
        offer(MediaPacket.frame(Codec.H264, 180_000, 180_000, TimeBase.MILLISECONDS, true, BYTES));
        offer(MediaPacket.frame(Codec.AAC, 304_003, 304_003, TimeBase.MILLISECONDS, false, BYTES));
        offer(MediaPacket.frame(Codec.AAC, 304_024, 304_024, TimeBase.MILLISECONDS, false, BYTES));
        for (long t = 40; t < 2_000; t += 20) {
            if (t % 40 == 0) {
                offer(MediaPacket.frame(Codec.H264, 180_000 + t, 180_000 + t, TimeBase.MILLISECONDS, false, BYTES));
            }
            offer(MediaPacket.frame(Codec.AAC, 180_000 + t + 3, 180_000 + t + 3, TimeBase.MILLISECONDS, false, BYTES));
        }
        continuous(dts(MediaKind.VIDEO), 80);
        continuous(dts(MediaKind.AUDIO), 60);
        assertThat(jumps).hasSize(1);
        assertThat(jumps.get(0)).isNegative();
        assertThat(dts(MediaKind.AUDIO)).contains(304_003L, 304_024L);
    }

    @Test
    void aStillPictureWhileTheSoundGoesOnIsAGapNotAJump() {
        play(0, 2_000);
        for (long t = 2_000; t < 7_000; t += 21) {
            offer(MediaPacket.frame(Codec.AAC, t, t, TimeBase.MILLISECONDS, false, BYTES));
        }
        offer(MediaPacket.frame(Codec.H264, 7_000, 7_000, TimeBase.MILLISECONDS, true, BYTES));
        assertThat(jumps).isEmpty();
        assertThat(dts(MediaKind.VIDEO).get(dts(MediaKind.VIDEO).size() - 1)).isEqualTo(7_000);
    }

    @Test
    void aWholeStreamThatSentNothingForLongerThanTheWindowIsClosedUp() {
        for (long t = 0; t < 2_000; t += 40) {
            offer(MediaPacket.frame(Codec.H264, t, t, TimeBase.MILLISECONDS, t == 0, BYTES));
        }
        offer(MediaPacket.frame(Codec.H264, 12_000, 12_000, TimeBase.MILLISECONDS, false, BYTES)); // ten seconds of nothing
        assertThat(jumps).hasSize(1);
        assertThat(out.get(out.size() - 1).dts()).as("one frame after the last: no ten-second sample").isEqualTo(2_000);
    }

    @Test
    void aTrackThatKeepsItsOldClockKeepsItsOffsetInsteadOfJumpingBackAndForth() {
        play(0, 4_000);
        // Only the video's clock jumps; the audio goes on on its own for ten seconds.
        for (long t = 4_000; t < 14_000; t += 20) {
            if (t % 40 == 0) {
                offer(MediaPacket.frame(Codec.H264, 120_000 + t, 120_000 + t, TimeBase.MILLISECONDS, false, BYTES));
            }
            offer(MediaPacket.frame(Codec.AAC, t + 3, t + 3, TimeBase.MILLISECONDS, false, BYTES));
        }
        assertThat(jumps).hasSize(1);
        continuous(dts(MediaKind.VIDEO), 80);
        continuous(dts(MediaKind.AUDIO), 60);
    }

    @Test
    void theOffsetBeforeAJumpServesOnlyPacketsFromJustBeforeIt() {
        play(0, 4_000);
        play(124_000, 4_000);
        // Old-clock audio long after the jump is no straggler: a jump of its own.
        offer(MediaPacket.frame(Codec.AAC, 9_000, 9_000, TimeBase.MILLISECONDS, false, BYTES));
        assertThat(jumps).hasSize(2);
        assertThat(out.get(out.size() - 1).dts()).isGreaterThan(dts(MediaKind.VIDEO).get(dts(MediaKind.VIDEO).size() - 1));
    }

    @Test
    void theRtmpClockWrappingAt32BitsIsNoJumpForViewers() {
        long wrap = 1L << 32;
        play(wrap - 2_000, 2_000);
        play(0, 2_000);
        continuous(dts(MediaKind.VIDEO), 80);
        continuous(dts(MediaKind.AUDIO), 60);
        assertThat(jumps).hasSize(1);
    }

    @Test
    void aConfigurationMidStreamTakesItsPlaceAfterTheTracksLastFrame() {
        play(10_000, 1_000);
        offer(MediaPacket.config(Codec.AAC, 0, TimeBase.MILLISECONDS, BYTES));
        MediaPacket config = out.get(out.size() - 1);
        assertThat(config.isConfig()).isTrue();
        assertThat(config.dts()).isEqualTo(dts(MediaKind.AUDIO).get(dts(MediaKind.AUDIO).size() - 1));
        assertThat(jumps).isEmpty();
    }

    @Test
    void aPacketRefusedByAFullPipelineChangesNothingUntilItIsTaken() {
        play(0, 1_000);
        full = true;
        MediaPacket jumped = MediaPacket.frame(Codec.H264, 600_000, 600_000, TimeBase.MILLISECONDS, true, BYTES);
        assertThat(timeline.offer(jumped)).isFalse();
        assertThat(jumps).isEmpty();
        full = false;
        offer(jumped);
        assertThat(jumps).hasSize(1);
        assertThat(out.get(out.size() - 1).dts()).isBetween(1_000L, 1_100L);
    }

    @Test
    void timeBasesOtherThanMillisecondsAreShiftedInTheirOwnUnit() {
        for (long t = 0; t < 90_000; t += 3_000) {
            offer(MediaPacket.frame(Codec.H264, t, t + 6_000, TimeBase.MPEG_90KHZ, false, BYTES));
        }
        offer(MediaPacket.frame(Codec.H264, 90_000L * 3600, 90_000L * 3600 + 6_000, TimeBase.MPEG_90KHZ, false, BYTES));
        MediaPacket last = out.get(out.size() - 1);
        assertThat(last.dts()).isEqualTo(90_000);
        assertThat(last.pts() - last.dts()).isEqualTo(6_000);
    }
}
