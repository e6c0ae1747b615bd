package dev.vcdn.origin.ingest.webrtc;

import dev.vcdn.origin.ingest.webrtc.SdpOffer.Codec;
import dev.vcdn.origin.ingest.webrtc.SdpOffer.InvalidOfferException;
import dev.vcdn.origin.ingest.webrtc.SdpOffer.Media;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Our answer to a WHIP offer: receive-only, ICE-lite on our one UDP port, DTLS passive (the
 * publisher connects), H.264 (packetization-mode 1) for the first video section and Opus for the
 * first audio section, every other section rejected with port 0. Only the feedback we act on is
 * kept: NACK, PLI, FIR and REMB (no transport-cc: we send no transport feedback).
 */
public final class SdpAnswer {

    /** The tracks taken from the offer: a video one always, audio when offered. */
    public record Negotiated(Track video, Optional<Track> audio) {
    }

    /** An accepted media section and the one codec chosen in it. */
    public record Track(String mid, Codec codec) {
    }

    private static final List<String> KEPT_FEEDBACK = List.of("nack", "nack pli", "ccm fir", "goog-remb");
    /** Constrained baseline, baseline, main, high: in that order, since HLS players take all and old ones only the first. */
    private static final List<String> PROFILE_PREFERENCE = List.of("42e0", "4200", "4d00", "6400");

    private SdpAnswer() {
    }

    public static Negotiated negotiate(SdpOffer offer) throws InvalidOfferException {
        Optional<Track> video = Optional.empty();
        Optional<Track> audio = Optional.empty();
        for (Media media : offer.media()) {
            if (!media.protocol().equals("UDP/TLS/RTP/SAVPF") || !media.rtcpMux()
                    || !(media.direction().equals("sendonly") || media.direction().equals("sendrecv"))) {
                continue;
            }
            if (media.kind().equals("video") && video.isEmpty()) {
                video = media.codecsNamed("H264").stream()
                        .filter(codec -> codec.parameter("packetization-mode").orElse("0").equals("1"))
                        .min(Comparator.comparingInt(SdpAnswer::profileRank))
                        .map(codec -> new Track(media.mid(), codec));
            } else if (media.kind().equals("audio") && audio.isEmpty()) {
                audio = media.codecsNamed("opus").stream().filter(codec -> codec.clockRate() == 48_000).findFirst()
                        .map(codec -> new Track(media.mid(), codec));
            }
        }
        return new Negotiated(video.orElseThrow(() -> new InvalidOfferException(
                "no sendable H.264 video (packetization-mode=1) over UDP/TLS/RTP/SAVPF with rtcp-mux")), audio);
    }

    private static int profileRank(Codec codec) {
        String profile = codec.parameter("profile-level-id").orElse("42e01f").toLowerCase(Locale.ROOT);
        int rank = PROFILE_PREFERENCE.indexOf(profile.substring(0, Math.min(4, profile.length())));
        return rank < 0 ? PROFILE_PREFERENCE.size() : rank;
    }

    /**
     * @param fingerprint SHA-256 of our DTLS certificate
     * @param candidateHosts IP addresses where the publisher reaches our UDP port
     */
    public static String write(SdpOffer offer, Negotiated negotiated, IceCredentials ice, byte[] fingerprint,
                               List<String> candidateHosts, int port, long sessionVersion) {
        StringBuilder sdp = new StringBuilder();
        line(sdp, "v=0");
        line(sdp, "o=- " + sessionVersion + " 1 IN IP4 0.0.0.0");
        line(sdp, "s=-");
        line(sdp, "t=0 0");
        List<String> accepted = new ArrayList<>();
        for (Media media : offer.media()) {
            if (chosen(negotiated, media).isPresent()) {
                accepted.add(media.mid());
            }
        }
        line(sdp, "a=group:BUNDLE " + String.join(" ", accepted));
        line(sdp, "a=ice-lite");
        for (Media media : offer.media()) {
            Optional<Codec> codec = chosen(negotiated, media);
            if (codec.isEmpty()) {
                String format = media.payloadTypes().isEmpty() ? "0" : media.payloadTypes().get(0).toString();
                line(sdp, "m=" + media.kind() + " 0 " + media.protocol() + " " + (media.protocol().contains("RTP") ? format : "webrtc-datachannel"));
                line(sdp, "c=IN IP4 0.0.0.0");
                line(sdp, "a=mid:" + media.mid());
                line(sdp, "a=inactive");
                continue;
            }
            Codec chosen = codec.get();
            line(sdp, "m=" + media.kind() + " 9 UDP/TLS/RTP/SAVPF " + chosen.payloadType());
            line(sdp, "c=IN IP4 0.0.0.0");
            line(sdp, "a=mid:" + media.mid());
            line(sdp, "a=ice-ufrag:" + ice.ufrag());
            line(sdp, "a=ice-pwd:" + ice.password());
            line(sdp, "a=fingerprint:sha-256 " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(fingerprint));
            line(sdp, "a=setup:passive");
            line(sdp, "a=recvonly");
            line(sdp, "a=rtcp-mux");
            line(sdp, "a=rtcp-rsize");
            line(sdp, "a=rtpmap:" + chosen.payloadType() + " " + chosen.name() + "/" + chosen.clockRate()
                    + (chosen.channels() > 1 ? "/" + chosen.channels() : ""));
            if (!chosen.fmtp().isEmpty()) {
                line(sdp, "a=fmtp:" + chosen.payloadType() + " " + chosen.fmtp());
            }
            for (String feedback : chosen.feedback()) {
                if (KEPT_FEEDBACK.contains(feedback)) {
                    line(sdp, "a=rtcp-fb:" + chosen.payloadType() + " " + feedback);
                }
            }
            int priority = 2_130_706_431;
            int foundation = 1;
            for (String host : candidateHosts) {
                line(sdp, "a=candidate:" + foundation++ + " 1 udp " + priority-- + " " + host + " " + port + " typ host");
            }
            line(sdp, "a=end-of-candidates");
        }
        return sdp.toString();
    }

    private static Optional<Codec> chosen(Negotiated negotiated, Media media) {
        if (negotiated.video().mid().equals(media.mid())) {
            return Optional.of(negotiated.video().codec());
        }
        return negotiated.audio().filter(track -> track.mid().equals(media.mid())).map(Track::codec);
    }

    private static void line(StringBuilder sdp, String line) {
        sdp.append(line).append("\r\n");
    }
}
