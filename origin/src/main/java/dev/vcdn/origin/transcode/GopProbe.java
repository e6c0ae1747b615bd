package dev.vcdn.origin.transcode;

import dev.vcdn.shared.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Learns the source's keyframe interval from its first GOP, held compressed (a few MB at most):
 * a short, regular one can be kept (the source passed through and rungs following its
 * keyframes); a long or missing one cannot. Owned by the stream's decode thread.
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

    /** Frames held at most, whatever their timestamps say (ten seconds at 60 fps). */
    static final int MAX_HELD = 600;
    static final double MAX_FPS = 240;

    private final long maxGopMillis;
    private final List<MediaPacket> held = new ArrayList<>();

    /** @param maxGopMillis the longest keyframe interval segments can be cut at */
    GopProbe(long maxGopMillis) {
        this.maxGopMillis = maxGopMillis;
    }

    /** A video frame while probing: empty while the GOP goes on, the decision once it is known. */
    Optional<Decision> offer(MediaPacket frame) {
        if (held.isEmpty() && !frame.keyframe()) {
            return Optional.empty(); // nothing decodes before the first keyframe
        }
        if (!held.isEmpty() && frame.keyframe()) {
            long interval = frame.dts() - held.get(0).dts();
            double fps = held.size() * 1000.0 / Math.max(1, interval);
            return Optional.of(decide(interval <= maxGopMillis, fps, false));
        }
        held.add(frame);
        long span = frame.dts() - held.get(0).dts();
        if (span > maxGopMillis || held.size() >= MAX_HELD) {
            return Optional.of(decide(false, (held.size() - 1) * 1000.0 / Math.max(1, span), true));
        }
        return Optional.empty();
    }

    /** The stream ended while probing: what is held, with its keyframes not usable; empty when nothing is. */
    Optional<Decision> finish() {
        return held.isEmpty() ? Optional.empty() : Optional.of(decide(false, 0, true));
    }

    private Decision decide(boolean usable, double fps, boolean currentHeld) {
        // Timestamps that barely move say nothing of the rate: unknown, and the planner assumes one.
        Decision decision = new Decision(usable, fps > 0 && fps <= MAX_FPS ? fps : 0, held, currentHeld);
        held.clear();
        return decision;
    }
}
