package dev.vcdn.shared.hls;

import java.util.Objects;

/**
 * An LL-HLS partial segment: {@code #EXT-X-PART:DURATION=...,URI="...",INDEPENDENT=YES}.
 *
 * @param duration    seconds
 * @param uri         relative to the playlist
 * @param independent starts with a keyframe
 */
public record Part(double duration, String uri, boolean independent) {

    public Part {
        Objects.requireNonNull(uri, "uri");
        if (!(duration > 0)) {
            throw new IllegalArgumentException("part duration must be positive: " + duration);
        }
    }
}
