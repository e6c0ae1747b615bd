package dev.vcdn.shared.http;

import dev.vcdn.shared.stream.StreamId;

/**
 * The response headers of the playback URLs (DESIGN.md "Playback URLs"), one definition for the
 * origin and the edge, so that an edge's answer is the origin's, header for header.
 */
public final class PlaybackHeaders {

    public static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    public static final String MEDIA_TYPE = "video/mp4";
    /** Parts, segments and init segments never change under their URL. */
    public static final String IMMUTABLE = "public, max-age=300, immutable";
    /** A playlist asked for without {@code _HLS_msn}: the live edge moves on within a part. */
    public static final String LIVE_PLAYLIST = "public, max-age=1";
    /** A blocking reload's answer: the same URL always names a playlist at least that new. */
    public static final String BLOCKING_PLAYLIST = "public, max-age=4";

    private PlaybackHeaders() {
    }

    /** Names one immutable object: the stream (a new publish gets a new id) and the object's canonical path. */
    public static String etag(StreamId streamId, PlaybackPath path) {
        return "\"" + streamId + path.canonical().substring("/live".length()) + "\"";
    }

    public static String playlistCacheControl(PlaybackPath path) {
        return path.msn().isPresent() ? BLOCKING_PLAYLIST : LIVE_PLAYLIST;
    }
}
