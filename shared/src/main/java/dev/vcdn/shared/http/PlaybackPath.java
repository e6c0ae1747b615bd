package dev.vcdn.shared.http;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final String NAME = "([a-z0-9_-]{1,32})";
    private static final Pattern MASTER = Pattern.compile("/live/" + NAME + "/master\\.m3u8");
    private static final Pattern THUMB = Pattern.compile("/live/" + NAME + "/thumb\\.jpg");
    private static final Pattern MEDIA = Pattern.compile("/live/" + NAME + "/" + NAME + "/index\\.m3u8");
    private static final Pattern INIT = Pattern.compile("/live/" + NAME + "/" + NAME + "/init(?:-([0-9]{1,15}))?\\.mp4");
    private static final Pattern SEGMENT = Pattern.compile("/live/" + NAME + "/" + NAME + "/([0-9]{1,15})\\.m4s");
    private static final Pattern PART = Pattern.compile("/live/" + NAME + "/" + NAME + "/([0-9]{1,15})\\.([0-9]{1,5})\\.m4s");
    private static final Pattern QUERY_PAIR = Pattern.compile("(_HLS_msn|_HLS_part|_HLS_skip)=([0-9A-Za-z]{1,15})");

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

    /** Empty for anything that is not a canonical playback request; the caller answers 400. */
    public static Optional<PlaybackPath> parse(String target) {
        if (target == null || target.isEmpty() || target.length() > MAX_TARGET_LENGTH || target.charAt(0) != '/') {
            return Optional.empty();
        }
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        Optional<Map<String, String>> query = question < 0 ? Optional.of(Map.of()) : query(target.substring(question + 1));
        if (query.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> params = query.get();
        Matcher m;
        if ((m = MASTER.matcher(path)).matches() && params.isEmpty()) {
            return Optional.of(of(m.group(1), null, Kind.MULTIVARIANT_PLAYLIST, OptionalLong.empty(), OptionalInt.empty(), null));
        }
        if ((m = THUMB.matcher(path)).matches() && params.isEmpty()) {
            return Optional.of(of(m.group(1), null, Kind.THUMBNAIL, OptionalLong.empty(), OptionalInt.empty(), null));
        }
        if ((m = MEDIA.matcher(path)).matches()) {
            return mediaPlaylist(m.group(1), m.group(2), params);
        }
        if (!params.isEmpty()) {
            return Optional.empty();
        }
        if ((m = INIT.matcher(path)).matches()) {
            OptionalLong from = m.group(3) == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(3)));
            return Optional.of(of(m.group(1), m.group(2), Kind.INIT, from, OptionalInt.empty(), null));
        }
        if ((m = SEGMENT.matcher(path)).matches()) {
            return Optional.of(of(m.group(1), m.group(2), Kind.SEGMENT, OptionalLong.of(Long.parseLong(m.group(3))),
                    OptionalInt.empty(), null));
        }
        if ((m = PART.matcher(path)).matches()) {
            return Optional.of(of(m.group(1), m.group(2), Kind.PART, OptionalLong.of(Long.parseLong(m.group(3))),
                    OptionalInt.of(Integer.parseInt(m.group(4))), null));
        }
        return Optional.empty();
    }

    private static Optional<PlaybackPath> mediaPlaylist(String channel, String rendition, Map<String, String> params) {
        String msn = params.get("_HLS_msn");
        String part = params.get("_HLS_part");
        String skip = params.get("_HLS_skip");
        boolean digits = (msn == null || msn.matches("[0-9]{1,15}")) && (part == null || part.matches("[0-9]{1,5}"));
        if (!digits || (part != null && msn == null) || (skip != null && !skip.equals("YES") && !skip.equals("v2"))) {
            return Optional.empty();
        }
        return Optional.of(of(channel, rendition, Kind.MEDIA_PLAYLIST,
                msn == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(msn)),
                part == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(part)), skip));
    }

    private static Optional<Map<String, String>> query(String query) {
        if (query.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> params = new java.util.TreeMap<>();
        for (String pair : query.split("&", -1)) {
            Matcher m = QUERY_PAIR.matcher(pair);
            if (!m.matches() || params.put(m.group(1), m.group(2)) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
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
