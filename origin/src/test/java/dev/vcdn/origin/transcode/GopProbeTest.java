package dev.vcdn.origin.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class GopProbeTest {

    private static final long MAX_GOP = 2400;

    /** Frame {@code index} of a 30 fps source with a keyframe every {@code gop} frames. */
    private static MediaPacket frame(int index, int gop) {
        long dts = Math.round(index * 1000 / 30.0);
        return MediaPacket.frame(Codec.H264, dts, dts, TimeBase.MILLISECONDS, index % gop == 0, Payload.copyOf(new byte[] {1}));
    }

    /** Offers frames until a decision; returns it with the number of frames it took. */
    private static Decided probe(int gop, Supplier<GopProbe.Expectation> expectation) {
        GopProbe probe = new GopProbe(MAX_GOP);
        for (int i = 0; i < 1000; i++) {
            Optional<GopProbe.Decision> decision = probe.offer(frame(i, gop), expectation);
            if (decision.isPresent()) {
                return new Decided(decision.get(), i + 1);
            }
        }
        throw new AssertionError("no decision");
    }

    private record Decided(GopProbe.Decision decision, int frames) {
    }

    @Test
    void aDeclaredShortIntervalIsDecidedAtTheFirstKeyframeFromAFewFramesRate() {
        Decided decided = probe(60, () -> GopProbe.Expectation.declared(OptionalLong.of(60)));
        assertThat(decided.frames()).isEqualTo(GopProbe.RATE_FRAMES);
        assertThat(decided.decision().sourceKeyframesUsable()).isTrue();
        assertThat(decided.decision().fps()).isBetween(29.5, 30.5);
        assertThat(decided.decision().held()).hasSize(GopProbe.RATE_FRAMES);
        assertThat(decided.decision().currentHeld()).isTrue();
    }

    @Test
    void aDeclaredLongIntervalIsStillWatchedForForcedKeyframesAndNoneAtAllIsNot() {
        // ffmpeg's -force_key_frames without -g: x264 says 250, the keyframes come every 2 s.
        Decided forced = probe(60, () -> GopProbe.Expectation.declared(OptionalLong.of(250)));
        assertThat(forced.frames()).as("decided by the second keyframe").isEqualTo(61);
        assertThat(forced.decision().sourceKeyframesUsable()).isTrue();

        Decided tooLong = probe(250, () -> GopProbe.Expectation.declared(OptionalLong.of(250)));
        assertThat(tooLong.decision().sourceKeyframesUsable()).as("8.3 s at 30 fps").isFalse();

        Decided never = probe(250, () -> GopProbe.Expectation.declared(OptionalLong.of(Long.MAX_VALUE)));
        assertThat(never.frames()).as("keyint=infinite, intra refresh or open GOPs: nothing to wait for")
                .isEqualTo(GopProbe.RATE_FRAMES);
        assertThat(never.decision().sourceKeyframesUsable()).isFalse();
    }

    @Test
    void theRateIsTheNominalOneItIsCloseTo() {
        assertThat(GopProbe.nominal(30.7)).isEqualTo(30.0);
        assertThat(GopProbe.nominal(24.0)).isEqualTo(24.0);
        assertThat(GopProbe.nominal(29.94)).as("six frames of 30 fps in milliseconds").isEqualTo(30.0);
        assertThat(GopProbe.nominal(23.97)).isEqualTo(24.0);
        assertThat(GopProbe.nominal(59.2)).isEqualTo(60.0);
        assertThat(GopProbe.nominal(40.0)).as("none near: as measured").isEqualTo(40.0);
    }

    @Test
    void anUndeclaredIntervalIsSeenOverTheFirstGop() {
        Decided regular = probe(60, () -> GopProbe.Expectation.declared(OptionalLong.empty()));
        assertThat(regular.frames()).as("decided by the second keyframe").isEqualTo(61);
        assertThat(regular.decision().sourceKeyframesUsable()).isTrue();
        assertThat(regular.decision().currentHeld()).isFalse();

        Decided tooLong = probe(300, () -> GopProbe.Expectation.declared(OptionalLong.empty()));
        assertThat(tooLong.decision().sourceKeyframesUsable()).isFalse();
        assertThat(tooLong.frames()).as("given up once the GOP passed what segments allow").isEqualTo(74);
    }

    @Test
    void whereTheIntervalDoesNotMatterOnlyTheRateIsTaken() {
        Decided decided = probe(300, GopProbe.Expectation::irrelevant);
        assertThat(decided.frames()).isEqualTo(GopProbe.RATE_FRAMES);
        assertThat(decided.decision().sourceKeyframesUsable()).isFalse();
        assertThat(decided.decision().fps()).isBetween(29.5, 30.5);
    }

    @Test
    void framesBeforeTheFirstKeyframeAreNotHeldAndTheExpectationIsReadAtIt() {
        GopProbe probe = new GopProbe(MAX_GOP);
        int[] asked = {0};
        Supplier<GopProbe.Expectation> expectation = () -> {
            asked[0]++;
            return GopProbe.Expectation.declared(OptionalLong.of(60));
        };
        assertThat(probe.offer(frame(59, 60), expectation)).isEmpty();
        for (int i = 60; i < 60 + GopProbe.RATE_FRAMES - 1; i++) {
            assertThat(probe.offer(frame(i, 60), expectation)).isEmpty();
        }
        assertThat(probe.offer(frame(60 + GopProbe.RATE_FRAMES - 1, 60), expectation)).isPresent();
        assertThat(asked[0]).isEqualTo(1);
    }
}
