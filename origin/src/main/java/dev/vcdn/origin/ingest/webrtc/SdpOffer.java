package dev.vcdn.origin.ingest.webrtc;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a WHIP client's SDP offer (RFC 8866, RFC 8829) says that we need: its ICE credentials, its
 * DTLS certificate fingerprint, and per media section the mid and the codecs it can send. Bounded
 * and strict: an offer we cannot answer is refused with the reason, never half-understood.
 */
public record SdpOffer(String iceUfrag, String icePwd, byte[] fingerprintSha256, List<Media> media) {

    static final int MAX_BYTES = 32 * 1024;
    static final int MAX_MEDIA_SECTIONS = 8;
    private static final int MAX_LINES = 2000;
    private static final int MAX_CODECS = 64;

    /** One m= section: its kind ("audio", "video", "application"), mid, and codecs by payload type. */
    public record Media(String kind, String mid, String protocol, List<Integer> payloadTypes, Map<Integer, Codec> codecs,
                        String direction, boolean rtcpMux) {

        /** The codec of {@code name} (case-insensitive) the offer lists first, if any. */
        List<Codec> codecsNamed(String name) {
            List<Codec> found = new ArrayList<>();
            for (int payloadType : payloadTypes) {
                Codec codec = codecs.get(payloadType);
                if (codec != null && codec.name().equalsIgnoreCase(name)) {
                    found.add(codec);
                }
            }
            return found;
        }
    }

    /** a=rtpmap, a=fmtp and a=rtcp-fb of one payload type. */
    public record Codec(int payloadType, String name, int clockRate, int channels, String fmtp, List<String> feedback) {

        Optional<String> parameter(String key) {
            for (String pair : fmtp.split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equalsIgnoreCase(key)) {
                    return Optional.of(pair.substring(equals + 1).trim());
                }
            }
            return Optional.empty();
        }
    }

    /** Why an offer cannot be answered; the WHIP endpoint says it with 400. */
    public static final class InvalidOfferException extends Exception {
        InvalidOfferException(String message) {
            super(message);
        }
    }

    public static SdpOffer parse(String sdp) throws InvalidOfferException {
        if (sdp.length() > MAX_BYTES) {
            throw new InvalidOfferException("offer larger than " + MAX_BYTES + " bytes");
        }
        String[] lines = sdp.split("\r?\n");
        if (lines.length == 0 || lines.length > MAX_LINES || !lines[0].trim().equals("v=0")) {
            throw new InvalidOfferException("not an SDP offer (v=0 first, at most " + MAX_LINES + " lines)");
        }
        Attributes session = new Attributes();
        List<Section> sections = new ArrayList<>();
        Attributes current = session;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.startsWith("m=")) {
                if (sections.size() >= MAX_MEDIA_SECTIONS) {
                    throw new InvalidOfferException("more than " + MAX_MEDIA_SECTIONS + " media sections");
                }
                Section section = new Section(line.substring(2));
                sections.add(section);
                current = section.attributes;
            } else if (line.startsWith("a=")) {
                current.add(line.substring(2));
            }
        }
        if (sections.isEmpty()) {
            throw new InvalidOfferException("no media sections");
        }
        Section first = sections.get(0);
        String ufrag = first.attributes.value("ice-ufrag").or(() -> session.value("ice-ufrag"))
                .orElseThrow(() -> new InvalidOfferException("no a=ice-ufrag"));
        String pwd = first.attributes.value("ice-pwd").or(() -> session.value("ice-pwd"))
                .orElseThrow(() -> new InvalidOfferException("no a=ice-pwd"));
        if (!ufrag.matches("[A-Za-z0-9+/]{4,256}") || !pwd.matches("[A-Za-z0-9+/]{22,256}")) {
            throw new InvalidOfferException("ICE ufrag or password not as RFC 8839 defines them");
        }
        byte[] fingerprint = sha256Fingerprint(first.attributes.values("fingerprint"))
                .or(() -> sha256Fingerprint(session.values("fingerprint")))
                .orElseThrow(() -> new InvalidOfferException("no a=fingerprint:sha-256"));
        List<Media> media = new ArrayList<>();
        for (Section section : sections) {
            media.add(section.toMedia());
        }
        return new SdpOffer(ufrag, pwd, fingerprint, List.copyOf(media));
    }

    private static Optional<byte[]> sha256Fingerprint(List<String> fingerprints) {
        for (String fingerprint : fingerprints) {
            String[] parts = fingerprint.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equalsIgnoreCase("sha-256") && parts[1].matches("([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}")) {
                return Optional.of(HexFormat.of().parseHex(parts[1].replace(":", "").toLowerCase(Locale.ROOT)));
            }
        }
        return Optional.empty();
    }

    /** The a= lines of a section or of the session, as "name" -> values. */
    private static final class Attributes {
        private final Map<String, List<String>> byName = new LinkedHashMap<>();

        void add(String attribute) {
            int colon = attribute.indexOf(':');
            String name = colon < 0 ? attribute : attribute.substring(0, colon);
            String value = colon < 0 ? "" : attribute.substring(colon + 1);
            byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), ignored -> new ArrayList<>()).add(value);
        }

        List<String> values(String name) {
            return byName.getOrDefault(name, List.of());
        }

        Optional<String> value(String name) {
            List<String> values = values(name);
            return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        boolean has(String name) {
            return byName.containsKey(name);
        }
    }

    private static final class Section {
        private final String mediaLine;
        private final Attributes attributes = new Attributes();

        Section(String mediaLine) {
            this.mediaLine = mediaLine;
        }

        Media toMedia() throws InvalidOfferException {
            String[] fields = mediaLine.split("\\s+");
            if (fields.length < 4) {
                throw new InvalidOfferException("malformed m= line: " + mediaLine);
            }
            String mid = attributes.value("mid").orElseThrow(() -> new InvalidOfferException("media section without a=mid"));
            if (!mid.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new InvalidOfferException("unusable mid: " + mid);
            }
            List<Integer> payloadTypes = new ArrayList<>();
            Map<Integer, Codec> codecs = new LinkedHashMap<>();
            if (fields[2].contains("RTP")) {
                for (int i = 3; i < fields.length && payloadTypes.size() < MAX_CODECS; i++) {
                    payloadTypes.add(payloadType(fields[i]));
                }
                for (String rtpmap : attributes.values("rtpmap")) {
                    String[] parts = rtpmap.trim().split("\\s+", 2);
                    String[] encoding = parts.length == 2 ? parts[1].split("/") : new String[0];
                    if (encoding.length < 2) {
                        throw new InvalidOfferException("malformed a=rtpmap:" + rtpmap);
                    }
                    int payloadType = payloadType(parts[0]);
                    if (payloadTypes.contains(payloadType)) {
                        codecs.put(payloadType, new Codec(payloadType, encoding[0], number(encoding[1]),
                                encoding.length > 2 ? number(encoding[2]) : 1, formatParameters(payloadType),
                                feedback(payloadType)));
                    }
                }
            }
            String direction = List.of("sendonly", "sendrecv", "recvonly", "inactive").stream().filter(attributes::has)
                    .findFirst().orElse("sendrecv");
            return new Media(fields[0].toLowerCase(Locale.ROOT), mid, fields[2], List.copyOf(payloadTypes), Map.copyOf(codecs),
                    direction, attributes.has("rtcp-mux"));
        }

        private String formatParameters(int payloadType) {
            String prefix = payloadType + " ";
            return attributes.values("fmtp").stream().filter(value -> value.startsWith(prefix))
                    .map(value -> value.substring(prefix.length()).trim()).findFirst().orElse("");
        }

        private List<String> feedback(int payloadType) {
            String prefix = payloadType + " ";
            return attributes.values("rtcp-fb").stream().filter(value -> value.startsWith(prefix))
                    .map(value -> value.substring(prefix.length()).trim()).toList();
        }

        private static int payloadType(String text) throws InvalidOfferException {
            int value = number(text);
            if (value > 127) {
                throw new InvalidOfferException("payload type out of range: " + text);
            }
            return value;
        }

        private static int number(String text) throws InvalidOfferException {
            if (!text.matches("\\d{1,6}")) {
                throw new InvalidOfferException("not a number: " + text);
            }
            return Integer.parseInt(text);
        }
    }
}
