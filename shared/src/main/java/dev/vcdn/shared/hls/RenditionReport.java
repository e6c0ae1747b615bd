package dev.vcdn.shared.hls;

import java.util.Objects;

/** {@code #EXT-X-RENDITION-REPORT}: where another rendition's live edge is, so switching costs no extra request. */
public record RenditionReport(String uri, long lastMsn, int lastPart) {

    public RenditionReport {
        Objects.requireNonNull(uri, "uri");
    }
}
