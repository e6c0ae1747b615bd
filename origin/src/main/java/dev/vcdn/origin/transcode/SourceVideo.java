package dev.vcdn.origin.transcode;

import dev.vcdn.shared.media.Codec;

/** The publisher's video as the decoder sees it. */
public record SourceVideo(Codec codec, int width, int height, double fps, int bitrateKbps) {
}
