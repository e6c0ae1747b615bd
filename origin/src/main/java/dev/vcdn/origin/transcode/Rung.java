package dev.vcdn.origin.transcode;

import dev.vcdn.shared.stream.RenditionId;
import java.util.Objects;

/**
 * One rendition of the ladder as planned.
 *
 * @param id             {@code source}, {@code 720p}, {@code 480p-av1}...
 * @param codec          what it is encoded to
 * @param width          pixels, even
 * @param height         pixels, even
 * @param fps            frames per second
 * @param bitrateKbps    target (average) bitrate; for the passed-through source, what the publisher said or 0
 * @param maxBitrateKbps VBV ceiling (peak)
 * @param passthrough    the source's own packets, not re-encoded
 */
public record Rung(RenditionId id, VideoCodec codec, int width, int height, double fps, int bitrateKbps,
                   int maxBitrateKbps, boolean passthrough) {

    public Rung {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(codec, "codec");
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("rung " + id + ": size " + width + "x" + height + " must be positive and even");
        }
        if (fps <= 0) {
            throw new IllegalArgumentException("rung " + id + ": fps " + fps);
        }
    }
}
