package dev.vcdn.origin.packager;

import java.time.Duration;

/**
 * LL-HLS timing (DESIGN.md "LL-HLS defaults").
 *
 * @param segmentTarget  segment duration aimed at; segments start on keyframes
 * @param partTarget     PART-TARGET; every part lasts at most this long
 * @param window         how much of the past each rendition keeps
 */
public record PackagingSettings(Duration segmentTarget, Duration partTarget, Duration window) {

    public PackagingSettings {
        if (partTarget.multipliedBy(3).compareTo(segmentTarget) > 0) {
            throw new IllegalArgumentException("a segment must hold at least three parts");
        }
        if (window.compareTo(segmentTarget.multipliedBy(7)) < 0) {
            throw new IllegalArgumentException("the window must be at least 7 segments (delta updates skip 6)");
        }
    }

    /** The same timing with another part target (the low-latency profile). */
    public PackagingSettings withPartTarget(Duration newPartTarget) {
        return new PackagingSettings(segmentTarget, newPartTarget, window);
    }

    public static final PackagingSettings DEFAULT =
            new PackagingSettings(Duration.ofSeconds(2), Duration.ofMillis(334), Duration.ofSeconds(30));

    /** TARGETDURATION: whole seconds, at least the longest segment rounded. */
    public int targetDurationSeconds() {
        return (int) Math.max(1, Math.round(segmentTarget.toMillis() / 1000.0));
    }

    public double partTargetSeconds() {
        return partTarget.toMillis() / 1000.0;
    }
}
