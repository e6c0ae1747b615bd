package dev.vcdn.shared.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** Writes playlists exactly as RFC 8216bis spells them; what {@link PlaylistParser} reads back. */
public final class PlaylistWriter {

    private static final DateTimeFormatter PROGRAM_DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private PlaylistWriter() {
    }

    public static String write(MediaPlaylist playlist) {
        return write(playlist, Optional.empty());
    }

    /**
     * With {@code #EXT-X-PLAYLIST-TYPE} ({@code EVENT}: segments are only added, as in a live
     * recording from its start; {@code VOD}: it will never change).
     */
    public static String write(MediaPlaylist playlist, Optional<String> playlistType) {
        StringBuilder out = new StringBuilder(4096);
        out.append("#EXTM3U\n");
        out.append("#EXT-X-VERSION:").append(playlist.version()).append('\n');
        out.append("#EXT-X-TARGETDURATION:").append(playlist.targetDuration()).append('\n');
        playlistType.ifPresent(type -> out.append("#EXT-X-PLAYLIST-TYPE:").append(type).append('\n'));
        playlist.serverControl().ifPresent(control -> out.append(serverControl(control)).append('\n'));
        playlist.partTarget().ifPresent(target -> out.append("#EXT-X-PART-INF:PART-TARGET=").append(decimal(target)).append('\n'));
        out.append("#EXT-X-MEDIA-SEQUENCE:").append(playlist.mediaSequence()).append('\n');
        if (playlist.discontinuitySequence() > 0) {
            out.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(playlist.discontinuitySequence()).append('\n');
        }
        playlist.mapUri().ifPresent(uri -> out.append(map(uri)));
        if (playlist.skippedSegments() > 0) {
            out.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(playlist.skippedSegments()).append('\n');
        }
        for (Segment segment : playlist.segments()) {
            opening(out, segment.discontinuity(), segment.map(), segment.programDateTime());
            segment.parts().forEach(part -> out.append(part(part)).append('\n'));
            if (segment.gap()) {
                out.append("#EXT-X-GAP\n");
            }
            out.append("#EXTINF:").append(decimal(segment.duration())).append(",\n");
            out.append(segment.uri()).append('\n');
        }
        PendingStart pending = playlist.pendingStart();
        opening(out, pending.discontinuity(), pending.map(), pending.programDateTime());
        playlist.pendingParts().forEach(part -> out.append(part(part)).append('\n'));
        playlist.preloadHint().ifPresent(uri -> out.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=").append(quoted(uri)).append('\n'));
        for (RenditionReport report : playlist.renditionReports()) {
            out.append("#EXT-X-RENDITION-REPORT:URI=").append(quoted(report.uri()))
                    .append(",LAST-MSN=").append(report.lastMsn())
                    .append(",LAST-PART=").append(report.lastPart()).append('\n');
        }
        if (playlist.endList()) {
            out.append("#EXT-X-ENDLIST\n");
        }
        return out.toString();
    }

    public static String write(MultivariantPlaylist playlist) {
        StringBuilder out = new StringBuilder(1024);
        out.append("#EXTM3U\n");
        out.append("#EXT-X-VERSION:").append(playlist.version()).append('\n');
        if (playlist.independentSegments()) {
            out.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        }
        for (AudioRendition audio : playlist.audio()) {
            out.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=").append(quoted(audio.groupId()))
                    .append(",NAME=").append(quoted(audio.name()))
                    .append(",DEFAULT=").append(audio.isDefault() ? "YES" : "NO")
                    .append(",AUTOSELECT=YES,URI=").append(quoted(audio.uri())).append('\n');
        }
        for (Variant variant : playlist.variants()) {
            out.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(variant.bandwidth())
                    .append(",AVERAGE-BANDWIDTH=").append(variant.averageBandwidth())
                    .append(",CODECS=").append(quoted(variant.codecs()));
            // A variant without a picture (an audio-only stream) has neither.
            if (variant.width() != 0 || variant.height() != 0) {
                out.append(",RESOLUTION=").append(variant.width()).append('x').append(variant.height());
            }
            if (variant.frameRate() != 0) {
                out.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", variant.frameRate()));
            }
            variant.audioGroup().ifPresent(group -> out.append(",AUDIO=").append(quoted(group)));
            out.append('\n').append(variant.uri()).append('\n');
        }
        return out.toString();
    }

    private static String serverControl(ServerControl control) {
        StringBuilder out = new StringBuilder("#EXT-X-SERVER-CONTROL:");
        String separator = "";
        if (control.canBlockReload()) {
            out.append("CAN-BLOCK-RELOAD=YES");
            separator = ",";
        }
        if (control.canSkipUntil().isPresent()) {
            out.append(separator).append("CAN-SKIP-UNTIL=").append(decimal(control.canSkipUntil().get()));
            separator = ",";
            if (control.canSkipDateRanges()) {
                out.append(",CAN-SKIP-DATERANGES=YES");
            }
        }
        if (control.holdBack().isPresent()) {
            out.append(separator).append("HOLD-BACK=").append(decimal(control.holdBack().get()));
            separator = ",";
        }
        if (control.partHoldBack().isPresent()) {
            out.append(separator).append("PART-HOLD-BACK=").append(decimal(control.partHoldBack().get()));
        }
        return out.toString();
    }

    /** The tags before a segment's parts: a break, a new init segment, its date. */
    private static void opening(StringBuilder out, boolean discontinuity, Optional<String> map, Optional<Instant> programDateTime) {
        if (discontinuity) {
            out.append("#EXT-X-DISCONTINUITY\n");
        }
        map.ifPresent(uri -> out.append(map(uri)));
        programDateTime.ifPresent(time ->
                out.append("#EXT-X-PROGRAM-DATE-TIME:").append(PROGRAM_DATE_TIME.format(time)).append('\n'));
    }

    private static String map(String uri) {
        return "#EXT-X-MAP:URI=" + quoted(uri) + '\n';
    }

    private static String part(Part part) {
        return "#EXT-X-PART:DURATION=" + decimal(part.duration()) + ",URI=" + quoted(part.uri())
                + (part.independent() ? ",INDEPENDENT=YES" : "") + (part.gap() ? ",GAP=YES" : "");
    }

    /** Decimal seconds with up to 5 places and no exponent, trailing zeros removed. */
    static String decimal(double seconds) {
        String text = String.format(Locale.ROOT, "%.5f", seconds);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private static String quoted(String value) {
        if (value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a quoted string cannot hold '\"' or a line break: " + value);
        }
        return '"' + value + '"';
    }
}
