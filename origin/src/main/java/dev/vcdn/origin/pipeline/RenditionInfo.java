package dev.vcdn.origin.pipeline;

import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.stream.RenditionId;
import java.util.Objects;
import java.util.Optional;

/**
 * A rendition as the packager and the multivariant playlist need it.
 *
 * @param codec          the compressed format of its packets
 * @param codecString    RFC 6381 string for CODECS ({@code avc1.64001f}, {@code mp4a.40.2}...)
 * @param width          pixels (0 for audio)
 * @param height         pixels (0 for audio)
 * @param fps            frames per second (0 for audio)
 * @param bitrateKbps    average bitrate the encoder aims at (0 when not known, e.g. passed-through audio)
 * @param maxBitrateKbps peak bitrate (VBV ceiling)
 * @param configuration  decoder configuration for the init segment, when the codec has one
 */
public record RenditionInfo(RenditionId id, MediaKind kind, Codec codec, String codecString, int width, int height, double fps,
                            int bitrateKbps, int maxBitrateKbps, Optional<Payload> configuration) {

    public RenditionInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(codecString, "codecString");
        Objects.requireNonNull(configuration, "configuration");
    }
}
