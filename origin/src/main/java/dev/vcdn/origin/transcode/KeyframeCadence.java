package dev.vcdn.origin.transcode;

import dev.vcdn.origin.ffmpeg.Ffmpeg;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Where every rung puts its keyframes, decided once per decoded picture so that all rungs cut
 * segments at the same timestamps: at the source's own keyframes when it is passed through,
 * otherwise one every segment target. Decode thread only.
 */
final class KeyframeCadence {

    private final long forcedEveryMillis;
    private long nextForced = Long.MIN_VALUE;

    private KeyframeCadence(long forcedEveryMillis) {
        this.forcedEveryMillis = forcedEveryMillis;
    }

    /** Keyframes where the source has them. */
    static KeyframeCadence followingSource() {
        return new KeyframeCadence(0);
    }

    /** A keyframe at the first picture and then every {@code millis} of media time. */
    static KeyframeCadence every(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("keyframe interval " + millis + " ms");
        }
        return new KeyframeCadence(millis);
    }

    /** Whether the rungs encode {@code frame} (pts in milliseconds) as a keyframe. */
    boolean isKeyframe(AVFrame frame) {
        if (forcedEveryMillis == 0) {
            return (frame.flags() & Ffmpeg.FRAME_FLAG_KEY) != 0;
        }
        long pts = frame.pts();
        if (pts < nextForced) {
            return false;
        }
        nextForced = (nextForced == Long.MIN_VALUE ? pts : nextForced) + forcedEveryMillis;
        return true;
    }
}
