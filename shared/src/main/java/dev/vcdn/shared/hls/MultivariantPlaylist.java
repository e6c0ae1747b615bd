package dev.vcdn.shared.hls;

import java.util.List;

/** The playlist a player opens first: every rendition of a channel. */
public record MultivariantPlaylist(int version, boolean independentSegments, List<AudioRendition> audio,
                                   List<Variant> variants) {

    public MultivariantPlaylist {
        audio = List.copyOf(audio);
        variants = List.copyOf(variants);
    }
}
