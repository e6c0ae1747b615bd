package dev.vcdn.shared.hls;

/** A playlist that does not follow RFC 8216bis or exceeds our bounds; names the line. */
public final class PlaylistParseException extends RuntimeException {

    public PlaylistParseException(int line, String message) {
        super(line > 0 ? "line " + line + ": " + message : message);
    }
}
