package dev.vcdn.origin.transcode;

import dev.vcdn.shared.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Decides from the source's first frames whether its keyframes can be kept (the source passed
 * through and rungs following its keyframes): at once, from a few frames' rate, when the
 * interval does not matter or the encoder declared its longest one (x264 does, in its first
 * keyframe); otherwise from the first GOP, held compressed (a few MB at most), whose length
 * says it. A stream decided at its first keyframe is watchable a part later, not a GOP later.
 * Owned by the stream's decode thread.
 */
final class GopProbe {

    /**
     * What the first GOP showed.
     *
     * @param sourceKeyframesUsable the source's keyframes come often enough to cut segments at
     * @param fps                   frames per second seen, 0 when unknown
     * @param held                  the packets held while probing, to be decoded now, in order
     * @param currentHeld           whether the packet that settled it is among {@code held}; when
     *                              not (it is the next keyframe), the caller goes on with it
     */
    record Decision(boolean sourceKeyframesUsable, double fps, List<MediaPacket> held, boolean currentHeld) {

        Decision {
            held = List.copyOf(held);
        }
    }

    /**
     * What is known of the keyframe interval at the first keyframe.
     *
     * @param matters               whether it changes anything (only a passed-through source follows its keyframes)
     * @param declaredMaxFrames     the most frames between keyframes, as the encoder declared it
     */
    record Expectation(boolean matters, OptionalLong declaredMaxFrames) {

        static Expectation irrelevant() {
            return new Expectation(false, OptionalLong.empty());
        }

        static Expectation declared(OptionalLong maxFrames) {
            return new Expectation(true, maxFrames);
        }
    }

    /** Frames held at most, whatever their timestamps say (ten seconds at 60 fps). */
    static final int MAX_HELD = 600;
    static final double MAX_FPS = 240;
    /** Frames whose timestamps give the frame rate when the keyframe interval need not be seen (a sixth of a second at 30 fps). */
    static final int RATE_FRAMES = 6;
    /**
     * Frame rates encoders use, whole ones only: a few frames' millisecond timestamps cannot tell
     * 29.97 from 30 (0.1% apart); software encoders mostly send whole rates, and a 30 fps source
     * was being declared (FRAME-RATE, the rungs' encoders) as 29.97.
     */
    private static final double[] NOMINAL_RATES = {24, 25, 30, 48, 50, 60, 100, 120, 144, 240};

    private final long maxGopMillis;
    private final List<MediaPacket> held = new ArrayList<>();
    private Expectation expectation = Expectation.declared(OptionalLong.empty());

    /** @param maxGopMillis the longest keyframe interval segments can be cut at */
    GopProbe(long maxGopMillis) {
        this.maxGopMillis = maxGopMillis;
    }

    /**
     * A video frame while probing: empty while the GOP goes on, the decision once it is known.
     *
     * @param atFirstKeyframe what is known of the interval, read when {@code frame} is the first keyframe
     */
    Optional<Decision> offer(MediaPacket frame, Supplier<Expectation> atFirstKeyframe) {
        if (held.isEmpty() && !frame.keyframe()) {
            return Optional.empty(); // nothing decodes before the first keyframe
        }
        if (held.isEmpty()) {
            expectation = atFirstKeyframe.get();
        }
        if (!held.isEmpty() && frame.keyframe()) {
            long interval = frame.dts() - held.get(0).dts();
            double fps = held.size() * 1000.0 / Math.max(1, interval);
            return Optional.of(decide(expectation.matters() && interval <= maxGopMillis, fps, false));
        }
        held.add(frame);
        long span = frame.dts() - held.get(0).dts();
        double fps = (held.size() - 1) * 1000.0 / Math.max(1, span);
        if (held.size() >= RATE_FRAMES && (!expectation.matters() || declaredFits(fps) || declaredNever())) {
            return Optional.of(decide(expectation.matters() && declaredFits(fps), fps, true));
        }
        if (span > maxGopMillis || held.size() >= MAX_HELD) {
            return Optional.of(decide(false, fps, true));
        }
        return Optional.empty();
    }

    /**
     * The declared longest interval, at the rate seen, is short enough to cut segments at. One
     * declared longer is still watched over the first GOP: an encoder may force keyframes more
     * often than its x264 settings say (ffmpeg's -force_key_frames, GStreamer's key-unit events).
     */
    private boolean declaredFits(double fps) {
        long maxFrames = expectation.declaredMaxFrames().orElse(Long.MAX_VALUE);
        return fps > 0 && fps <= MAX_FPS && maxFrames <= maxGopMillis * fps / 1000.0;
    }

    /** The encoder declared it will make no keyframe a segment could start at: there is nothing to watch for. */
    private boolean declaredNever() {
        return expectation.declaredMaxFrames().orElse(0) == Long.MAX_VALUE;
    }

    /**
     * The usual frame rate within 3% of the one measured, else the measured one: a few frames'
     * millisecond timestamps jitter (30.7 for 30 would halve the low rungs' rate above 30.5).
     */
    static double nominal(double measured) {
        double closest = NOMINAL_RATES[0];
        for (double rate : NOMINAL_RATES) {
            if (Math.abs(measured - rate) < Math.abs(measured - closest)) {
                closest = rate;
            }
        }
        return Math.abs(measured - closest) <= closest * 0.03 ? closest : measured;
    }

    /** The stream ended while probing: what is held, with its keyframes not usable; empty when nothing is. */
    Optional<Decision> finish() {
        return held.isEmpty() ? Optional.empty() : Optional.of(decide(false, 0, true));
    }

    private Decision decide(boolean usable, double fps, boolean currentHeld) {
        // Timestamps that barely move say nothing of the rate: unknown, and the planner assumes one.
        Decision decision = new Decision(usable, fps > 0 && fps <= MAX_FPS ? nominal(fps) : 0, held, currentHeld);
        held.clear();
        return decision;
    }
}
