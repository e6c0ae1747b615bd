package dev.vcdn.shared.hls;

import java.util.Objects;

/**
 * An LL-HLS partial segment: {@code #EXT-X-PART:DURATION=...,URI="...",INDEPENDENT=YES}.
 *
 * @param duration    seconds
 * @param uri         relative to the playlist
 * @param independent starts with a keyframe
 * @param gap         {@code GAP=YES}: the rendition has no media for this time (its encoder was
 *                    down); players must not load it
 */
public record Part(double duration, String uri, boolean independent, boolean gap) {

    /** A part with media. */
    public Part(double duration, String uri, boolean independent) {
        this(duration, uri, independent, false);
    }

    public Part {
        Objects.requireNonNull(uri, "uri");
        if (!(duration > 0)) {
            throw new IllegalArgumentException("part duration must be positive: " + duration);
        }
    }
}
