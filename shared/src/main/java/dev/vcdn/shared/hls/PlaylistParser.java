package dev.vcdn.shared.hls;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads media and multivariant playlists (what {@link PlaylistWriter} writes, and what Apple's
 * and hls.js's examples contain). Input is bounded; unknown tags are ignored as the RFC asks.
 */
public final class PlaylistParser {

    /** Larger playlists are refused: ours stay far below (a 30 s window of parts is a few KiB). */
    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_LINES = 50_000;

    private PlaylistParser() {
    }

    /** @throws PlaylistParseException on anything malformed, also a value the playlist model refuses */
    public static MediaPlaylist parseMedia(String text) {
        try {
            return media(text);
        } catch (IllegalArgumentException e) {
            // A tag that parsed but says something impossible (a zero target duration, a negative part duration...).
            throw new PlaylistParseException(0, "invalid value: " + e.getMessage());
        }
    }

    /** @throws PlaylistParseException on anything malformed, also a value the playlist model refuses */
    public static MultivariantPlaylist parseMultivariant(String text) {
        try {
            return multivariant(text);
        } catch (IllegalArgumentException e) {
            throw new PlaylistParseException(0, "invalid value: " + e.getMessage());
        }
    }

    private static MediaPlaylist media(String text) {
        List<String> lines = lines(text);
        int version = 1;
        Integer targetDuration = null;
        long mediaSequence = 0;
        long discontinuitySequence = 0;
        Optional<Double> partTarget = Optional.empty();
        Optional<ServerControl> serverControl = Optional.empty();
        Optional<String> mapUri = Optional.empty();
        int skipped = 0;
        List<Segment> segments = new ArrayList<>();
        List<Part> parts = new ArrayList<>();
        Optional<String> preloadHint = Optional.empty();
        List<RenditionReport> reports = new ArrayList<>();
        boolean endList = false;
        Double duration = null;
        Optional<Instant> programDateTime = Optional.empty();
        boolean discontinuity = false;
        boolean gap = false;
        Optional<String> map = Optional.empty();

        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int number = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("#")) {
                if (duration == null) {
                    throw new PlaylistParseException(number, "segment URI without #EXTINF");
                }
                long msn = mediaSequence + skipped + segments.size();
                segments.add(new Segment(msn, duration, line, programDateTime, discontinuity, parts, gap, map));
                parts = new ArrayList<>();
                duration = null;
                programDateTime = Optional.empty();
                discontinuity = false;
                gap = false;
                map = Optional.empty();
                continue;
            }
            String tag = tagName(line);
            String value = tagValue(line);
            switch (tag) {
                case "#EXT-X-VERSION" -> version = smallInteger(value, number);
                case "#EXT-X-TARGETDURATION" -> targetDuration = smallInteger(value, number);
                case "#EXT-X-MEDIA-SEQUENCE" -> mediaSequence = integer(value, number);
                case "#EXT-X-DISCONTINUITY-SEQUENCE" -> discontinuitySequence = integer(value, number);
                case "#EXT-X-GAP" -> gap = true;
                case "#EXT-X-PART-INF" -> partTarget = AttributeList.parse(value, number).decimal("PART-TARGET");
                case "#EXT-X-SERVER-CONTROL" -> {
                    AttributeList a = AttributeList.parse(value, number);
                    serverControl = Optional.of(new ServerControl(a.yes("CAN-BLOCK-RELOAD"), a.decimal("CAN-SKIP-UNTIL"),
                            a.yes("CAN-SKIP-DATERANGES"), a.decimal("HOLD-BACK"), a.decimal("PART-HOLD-BACK")));
                }
                case "#EXT-X-MAP" -> {
                    // The first declares the init segment of the playlist; a later one changes it for what follows.
                    String uri = AttributeList.parse(value, number).required("URI");
                    if (mapUri.isEmpty() && segments.isEmpty() && parts.isEmpty() && !discontinuity) {
                        mapUri = Optional.of(uri);
                    } else {
                        map = Optional.of(uri);
                    }
                }
                case "#EXT-X-SKIP" -> skipped = asInt(AttributeList.parse(value, number).integer("SKIPPED-SEGMENTS"), number);
                case "#EXT-X-DISCONTINUITY" -> discontinuity = true;
                case "#EXT-X-PROGRAM-DATE-TIME" -> programDateTime = Optional.of(dateTime(value, number));
                case "#EXT-X-PART" -> {
                    AttributeList a = AttributeList.parse(value, number);
                    parts.add(new Part(a.decimal("DURATION").orElseThrow(() -> new PlaylistParseException(number, "part without DURATION")),
                            a.required("URI"), a.yes("INDEPENDENT"), a.yes("GAP")));
                }
                case "#EXTINF" -> duration = decimal(value.contains(",") ? value.substring(0, value.indexOf(',')) : value, number);
                case "#EXT-X-PRELOAD-HINT" -> {
                    AttributeList a = AttributeList.parse(value, number);
                    if ("PART".equals(a.required("TYPE"))) {
                        preloadHint = Optional.of(a.required("URI"));
                    }
                }
                case "#EXT-X-RENDITION-REPORT" -> {
                    AttributeList a = AttributeList.parse(value, number);
                    reports.add(new RenditionReport(a.required("URI"), a.integer("LAST-MSN"),
                            a.get("LAST-PART").map(v -> smallInteger(v, number)).orElse(-1)));
                }
                case "#EXT-X-ENDLIST" -> endList = true;
                default -> {
                    // Unknown tags are ignored (RFC 8216bis 4.1).
                }
            }
        }
        if (targetDuration == null) {
            throw new PlaylistParseException(0, "no #EXT-X-TARGETDURATION");
        }
        return new MediaPlaylist(version, targetDuration, mediaSequence, discontinuitySequence, partTarget, serverControl,
                mapUri, skipped, segments, new PendingStart(discontinuity, map, programDateTime), parts, preloadHint, reports,
                endList);
    }

    private static MultivariantPlaylist multivariant(String text) {
        List<String> lines = lines(text);
        int version = 1;
        boolean independent = false;
        List<AudioRendition> audio = new ArrayList<>();
        List<Variant> variants = new ArrayList<>();
        AttributeList pending = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int number = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("#")) {
                if (pending == null) {
                    throw new PlaylistParseException(number, "URI without #EXT-X-STREAM-INF");
                }
                String[] resolution = pending.get("RESOLUTION").orElse("0x0").split("x");
                if (resolution.length != 2) {
                    throw new PlaylistParseException(number - 1, "bad RESOLUTION");
                }
                variants.add(new Variant(pending.integer("BANDWIDTH"),
                        pending.get("AVERAGE-BANDWIDTH").map(v -> integer(v, number)).orElse(0L),
                        pending.get("CODECS").orElse(""),
                        smallInteger(resolution[0], number - 1), smallInteger(resolution[1], number - 1),
                        pending.decimal("FRAME-RATE").orElse(0.0), pending.get("AUDIO"), line));
                pending = null;
                continue;
            }
            String tag = tagName(line);
            String value = tagValue(line);
            switch (tag) {
                case "#EXT-X-VERSION" -> version = smallInteger(value, number);
                case "#EXT-X-INDEPENDENT-SEGMENTS" -> independent = true;
                case "#EXT-X-STREAM-INF" -> pending = AttributeList.parse(value, number);
                case "#EXT-X-MEDIA" -> {
                    AttributeList a = AttributeList.parse(value, number);
                    if ("AUDIO".equals(a.required("TYPE"))) {
                        audio.add(new AudioRendition(a.required("GROUP-ID"), a.required("NAME"), a.yes("DEFAULT"),
                                a.get("URI").orElse("")));
                    }
                }
                default -> {
                    // Unknown tags are ignored (RFC 8216bis 4.1).
                }
            }
        }
        return new MultivariantPlaylist(version, independent, audio, variants);
    }

    private static List<String> lines(String text) {
        if (text.length() > MAX_BYTES) {
            throw new PlaylistParseException(0, "playlist larger than " + MAX_BYTES + " bytes");
        }
        List<String> lines = text.lines().map(String::strip).toList();
        if (lines.size() > MAX_LINES) {
            throw new PlaylistParseException(0, "playlist longer than " + MAX_LINES + " lines");
        }
        if (lines.isEmpty() || !lines.get(0).equals("#EXTM3U")) {
            throw new PlaylistParseException(1, "a playlist starts with #EXTM3U");
        }
        return lines;
    }

    private static String tagName(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? line : line.substring(0, colon);
    }

    private static String tagValue(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(colon + 1);
    }

    static long integer(String value, int line) {
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed < 0) {
                throw new PlaylistParseException(line, "negative integer " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new PlaylistParseException(line, "'" + value + "' is not a decimal integer");
        }
    }

    /** An integer the model keeps in an int (a version, a target duration, a size): larger ones are refused, not wrapped. */
    static int smallInteger(String value, int line) {
        return asInt(integer(value, line), line);
    }

    private static int asInt(long parsed, int line) {
        if (parsed > Integer.MAX_VALUE) {
            throw new PlaylistParseException(line, "integer " + parsed + " too large");
        }
        return (int) parsed;
    }

    static double decimal(String value, int line) {
        if (!value.strip().matches("[0-9]+(\\.[0-9]+)?")) {
            throw new PlaylistParseException(line, "'" + value + "' is not a decimal number");
        }
        return Double.parseDouble(value.strip());
    }

    /** ISO 8601 with the offset as {@code Z}, {@code +01:00} or (ffmpeg writes it so) {@code +0100}. */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private static Instant dateTime(String value, int line) {
        try {
            return OffsetDateTime.parse(value.strip(), DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new PlaylistParseException(line, "'" + value + "' is not an ISO 8601 date-time");
        }
    }
}
