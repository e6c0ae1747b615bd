package dev.vcdn.shared.hls;

import java.util.Objects;
import java.util.Optional;

/**
 * One {@code #EXT-X-STREAM-INF} of a multivariant playlist.
 *
 * @param bandwidth        peak bits per second, audio included
 * @param averageBandwidth average bits per second, audio included
 * @param codecs           RFC 6381 strings, video and audio, comma-separated
 * @param width            pixels
 * @param height           pixels
 * @param frameRate        frames per second
 * @param audioGroup       GROUP-ID of the audio renditions it plays with
 * @param uri              its media playlist, relative to the multivariant one
 */
public record Variant(long bandwidth, long averageBandwidth, String codecs, int width, int height, double frameRate,
                      Optional<String> audioGroup, String uri) {

    public Variant {
        Objects.requireNonNull(codecs, "codecs");
        Objects.requireNonNull(audioGroup, "audioGroup");
        Objects.requireNonNull(uri, "uri");
        if (bandwidth <= 0) {
            throw new IllegalArgumentException("bandwidth must be positive");
        }
    }
}
