package dev.vcdn.shared.hls;

import java.util.Objects;

/** An {@code #EXT-X-MEDIA:TYPE=AUDIO} entry: an audio playlist shared by the variants of its group. */
public record AudioRendition(String groupId, String name, boolean isDefault, String uri) {

    public AudioRendition {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uri, "uri");
    }
}
