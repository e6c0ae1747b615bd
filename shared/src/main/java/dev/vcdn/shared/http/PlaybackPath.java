package dev.vcdn.shared.http;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A playback request in canonical form (DESIGN.md "Playback URLs"), parsed from the raw request
 * target: the only thing an edge caches by or forwards, so a request that is not exactly one of
 * these shapes never reaches a cache or an origin. Rejects {@code ..}, percent-encoding, double
 * slashes, absolute-form targets, NUL and unknown query parameters.
 *
 * @param channel   the channel
 * @param rendition the rendition, for everything but the multivariant playlist and the thumbnail
 * @param object    what is asked for
 * @param msn       segment number, for segments and parts; {@code _HLS_msn} for playlists; for an
 *                  init segment, the first segment it describes when it is not the broadcast's first
 *                  ({@code init-42.mp4}, after a publisher reconnect at segment 42)
 * @param part      part number, for parts; {@code _HLS_part} for playlists
 * @param skip      {@code _HLS_skip} value ({@code YES} or {@code v2}) for playlists
 */
public record PlaybackPath(ChannelName channel, Optional<RenditionId> rendition, Kind object, OptionalLong msn,
                           OptionalInt part, Optional<String> skip) {

    public enum Kind {
        MULTIVARIANT_PLAYLIST,
        MEDIA_PLAYLIST,
        INIT,
        SEGMENT,
        PART,
        THUMBNAIL
    }

    /** Longest request target worth parsing; ours are under 100 characters. */
    public static final int MAX_TARGET_LENGTH = 256;

    private static final String PREFIX = "/live/";
    private static final int MAX_NAME = 32;
    private static final int MAX_NUMBER = 15;
    private static final int MAX_PART = 5;

    public PlaybackPath {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(rendition, "rendition");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(msn, "msn");
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(skip, "skip");
    }

    /** A multivariant or media playlist: what a player starts with and reloads. */
    public boolean isPlaylist() {
        return object == Kind.MULTIVARIANT_PLAYLIST || object == Kind.MEDIA_PLAYLIST;
    }

    /**
     * Empty for anything that is not a canonical playback request; the caller answers 400. Written
     * out by hand rather than with patterns: every viewer request passes here, several a second.
     */
    public static Optional<PlaybackPath> parse(String target) {
        if (target == null || target.length() > MAX_TARGET_LENGTH || !target.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int question = target.indexOf('?');
        int pathEnd = question < 0 ? target.length() : question;
        int channelEnd = nameEnd(target, PREFIX.length(), pathEnd);
        if (channelEnd < 0 || channelEnd == pathEnd || target.charAt(channelEnd) != '/') {
            return Optional.empty();
        }
        String channel = target.substring(PREFIX.length(), channelEnd);
        Query query = question < 0 ? Query.NONE : Query.parse(target, question + 1);
        if (query == null) {
            return Optional.empty();
        }
        int fileStart = channelEnd + 1;
        int renditionEnd = nameEnd(target, fileStart, pathEnd);
        if (renditionEnd < 0 || renditionEnd == pathEnd || target.charAt(renditionEnd) != '/') {
            return channelFile(channel, target.substring(fileStart, pathEnd), query);
        }
        String rendition = target.substring(fileStart, renditionEnd);
        String file = target.substring(renditionEnd + 1, pathEnd);
        if (file.equals("index.m3u8")) {
            return query.mediaPlaylist(channel, rendition);
        }
        return query == Query.NONE ? renditionFile(channel, rendition, file) : Optional.empty();
    }

    /** {@code master.m3u8} or {@code thumb.jpg} of a channel. */
    private static Optional<PlaybackPath> channelFile(String channel, String file, Query query) {
        Kind kind = file.equals("master.m3u8") ? Kind.MULTIVARIANT_PLAYLIST : file.equals("thumb.jpg") ? Kind.THUMBNAIL : null;
        if (kind == null || query != Query.NONE) {
            return Optional.empty();
        }
        return Optional.of(of(channel, null, kind, OptionalLong.empty(), OptionalInt.empty(), null));
    }

    /** {@code init.mp4}, {@code init-N.mp4}, {@code N.m4s} or {@code N.P.m4s} of a rendition. */
    private static Optional<PlaybackPath> renditionFile(String channel, String rendition, String file) {
        if (file.equals("init.mp4")) {
            return Optional.of(of(channel, rendition, Kind.INIT, OptionalLong.empty(), OptionalInt.empty(), null));
        }
        if (file.startsWith("init-") && file.endsWith(".mp4")) {
            String first = file.substring("init-".length(), file.length() - ".mp4".length());
            return digits(first, MAX_NUMBER) ? Optional.of(of(channel, rendition, Kind.INIT,
                    OptionalLong.of(Long.parseLong(first)), OptionalInt.empty(), null)) : Optional.empty();
        }
        if (!file.endsWith(".m4s")) {
            return Optional.empty();
        }
        String numbers = file.substring(0, file.length() - ".m4s".length());
        int dot = numbers.indexOf('.');
        String msn = dot < 0 ? numbers : numbers.substring(0, dot);
        if (!digits(msn, MAX_NUMBER)) {
            return Optional.empty();
        }
        if (dot < 0) {
            return Optional.of(of(channel, rendition, Kind.SEGMENT, OptionalLong.of(Long.parseLong(msn)), OptionalInt.empty(), null));
        }
        String part = numbers.substring(dot + 1);
        return digits(part, MAX_PART) ? Optional.of(of(channel, rendition, Kind.PART, OptionalLong.of(Long.parseLong(msn)),
                OptionalInt.of(Integer.parseInt(part)), null)) : Optional.empty();
    }

    /** Where a name ({@code [a-z0-9_-]{1,32}}) starting at {@code from} ends, or -1 when there is none. */
    private static int nameEnd(String target, int from, int limit) {
        int i = from;
        while (i < limit && i - from <= MAX_NAME && nameChar(target.charAt(i))) {
            i++;
        }
        return i == from || i - from > MAX_NAME ? -1 : i;
    }

    private static boolean nameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    private static boolean digits(String value, int maxLength) {
        if (value.isEmpty() || value.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The blocking-reload query of a media playlist: each of the three known parameters at most once. */
    private record Query(String msn, String part, String skip) {

        static final Query NONE = new Query(null, null, null);

        /** Null for a query that is empty, names another parameter, repeats one, or has an odd value. */
        static Query parse(String target, int from) {
            if (from >= target.length()) {
                return null;
            }
            String msn = null;
            String part = null;
            String skip = null;
            int start = from;
            while (start <= target.length()) {
                int end = target.indexOf('&', start);
                end = end < 0 ? target.length() : end;
                int equals = target.indexOf('=', start);
                if (equals < 0 || equals >= end) {
                    return null;
                }
                String name = target.substring(start, equals);
                String value = target.substring(equals + 1, end);
                if (!valueChars(value)) {
                    return null;
                }
                switch (name) {
                    case "_HLS_msn" -> {
                        if (msn != null) {
                            return null;
                        }
                        msn = value;
                    }
                    case "_HLS_part" -> {
                        if (part != null) {
                            return null;
                        }
                        part = value;
                    }
                    case "_HLS_skip" -> {
                        if (skip != null) {
                            return null;
                        }
                        skip = value;
                    }
                    default -> {
                        return null;
                    }
                }
                start = end + 1;
            }
            return new Query(msn, part, skip);
        }

        private static boolean valueChars(String value) {
            if (value.isEmpty() || value.length() > MAX_NUMBER) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                    return false;
                }
            }
            return true;
        }

        Optional<PlaybackPath> mediaPlaylist(String channel, String rendition) {
            boolean numbers = (msn == null || digits(msn, MAX_NUMBER)) && (part == null || digits(part, MAX_PART));
            if (!numbers || (part != null && msn == null) || (skip != null && !skip.equals("YES") && !skip.equals("v2"))) {
                return Optional.empty();
            }
            return Optional.of(of(channel, rendition, Kind.MEDIA_PLAYLIST,
                    msn == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(msn)),
                    part == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(part)), skip));
        }
    }

    private static PlaybackPath of(String channel, String rendition, Kind kind, OptionalLong msn, OptionalInt part, String skip) {
        return new PlaybackPath(ChannelName.of(channel), Optional.ofNullable(rendition).map(RenditionId::of), kind, msn, part,
                Optional.ofNullable(skip));
    }

    /** The file name of an init segment: {@code init.mp4}, or {@code init-42.mp4} for one that starts at segment 42. */
    public static String initName(OptionalLong firstMsn) {
        return firstMsn.isPresent() ? "init-" + firstMsn.getAsLong() + ".mp4" : "init.mp4";
    }

    /** The canonical request target: what caches key on and what is forwarded upstream. */
    public String canonical() {
        StringBuilder out = new StringBuilder("/live/").append(channel);
        rendition.ifPresent(r -> out.append('/').append(r));
        switch (object) {
            case MULTIVARIANT_PLAYLIST -> out.append("/master.m3u8");
            case THUMBNAIL -> out.append("/thumb.jpg");
            case MEDIA_PLAYLIST -> out.append("/index.m3u8");
            case INIT -> out.append('/').append(initName(msn));
            case SEGMENT -> out.append('/').append(msn.getAsLong()).append(".m4s");
            case PART -> out.append('/').append(msn.getAsLong()).append('.').append(part.getAsInt()).append(".m4s");
        }
        if (object == Kind.MEDIA_PLAYLIST) {
            String separator = "?";
            if (msn.isPresent()) {
                out.append(separator).append("_HLS_msn=").append(msn.getAsLong());
                separator = "&";
            }
            if (part.isPresent()) {
                out.append(separator).append("_HLS_part=").append(part.getAsInt());
                separator = "&";
            }
            if (skip.isPresent()) {
                out.append(separator).append("_HLS_skip=").append(skip.get());
            }
        }
        return out.toString();
    }
}
