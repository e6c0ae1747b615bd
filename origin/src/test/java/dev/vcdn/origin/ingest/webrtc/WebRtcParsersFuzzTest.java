package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vcdn.shared.media.MediaPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of what a WHIP publisher sends: the SDP offer (refused with
 * {@link SdpOffer.InvalidOfferException} or parsed), STUN datagrams on the media port (a binding
 * request or nothing, never an exception), and its media. A publisher holds the DTLS-SRTP keys, so
 * a hostile one sends packets that authenticate: the media targets protect the fuzzer's packets with
 * the session's keys and hand them through unprotect, RTP parsing, the reorder buffer and the H.264
 * depacketizer as {@link WhipSession} does. Stored inputs run in {@code mvn test}.
 */
class WebRtcParsersFuzzTest {

    private static final byte[] MASTER_KEY = HexFormat.of().parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] MASTER_SALT = HexFormat.of().parseHex("0ec675ad498afeebb6960b3aabe6");
    private static final int VIDEO_PAYLOAD_TYPE = 102;
    private static final int MAX_PACKETS = 256;

    @FuzzTest(maxDuration = "10m")
    void sdpOffer(FuzzedDataProvider data) {
        try {
            SdpOffer.parse(data.consumeRemainingAsString());
        } catch (SdpOffer.InvalidOfferException refused) {
            // refused with its own reason
        }
    }

    @FuzzTest(maxDuration = "10m")
    void stunDatagram(byte[] datagram) {
        if (StunMessage.looksLikeStun(datagram, datagram.length)) {
            StunMessage.parseBindingRequest(datagram, datagram.length);
        }
    }

    /** Datagrams as they reach a connected session: refused with {@link SrtpContext.SrtpException}, or what was protected comes out. */
    @FuzzTest(maxDuration = "10m")
    void srtpUnprotect(FuzzedDataProvider data) {
        SrtpContext publisher = new SrtpContext(MASTER_KEY, MASTER_SALT);
        SrtpContext session = new SrtpContext(MASTER_KEY, MASTER_SALT);
        for (int i = 0; i < MAX_PACKETS && data.remainingBytes() > 0; i++) {
            boolean sealed = data.consumeBoolean();
            boolean rtcp = data.consumeBoolean();
            byte[] packet = data.consumeBytes(data.consumeInt(0, 1500));
            if (packet.length < 12) {
                continue;
            }
            boolean wellFormedRtp = RtpPacket.headerLength(packet, packet.length) >= 0;
            byte[] datagram = !sealed ? packet
                    : rtcp ? publisher.protectRtcp(packet)
                    : wellFormedRtp ? publisher.protectRtp(packet, 0) : packet;
            try {
                byte[] plain = rtcp || RtpPacket.isRtcp(datagram, datagram.length)
                        ? session.unprotectRtcp(datagram, datagram.length)
                        : session.unprotectRtp(datagram, datagram.length);
                Rtcp.senderReports(plain);
                RtpPacket.parse(plain);
                if (sealed && (rtcp || wellFormedRtp)) {
                    assertThat(plain).as("what the publisher protected").isEqualTo(packet);
                }
            } catch (SrtpContext.SrtpException refused) {
                // a forged, replayed, short or malformed packet
            }
        }
    }

    /**
     * RTP packets of the video track, in the fuzzer's order, timing and losses: through the reorder
     * buffer, the depacketizer and the access-unit assembler; every frame handed on stays within the
     * depacketizer's bounds.
     */
    @FuzzTest(maxDuration = "10m")
    void h264Track(FuzzedDataProvider data) {
        List<MediaPacket> frames = new ArrayList<>();
        long[] now = {0};
        VideoTrack track = new VideoTrack(VIDEO_PAYLOAD_TYPE, data.consumeBoolean(), 50, () -> now[0], packet -> {
            frames.add(packet);
            return frames.size() % 7 != 0; // now and then the pipeline is full
        });
        for (int i = 0; i < MAX_PACKETS && data.remainingBytes() > 0; i++) {
            now[0] += data.consumeInt(0, 200);
            if (data.consumeInt(0, 15) == 0) {
                track.tick(now[0]);
                continue;
            }
            byte[] header = {(byte) 0x80, (byte) ((data.consumeBoolean() ? 0x80 : 0) | VIDEO_PAYLOAD_TYPE),
                    0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
            int sequence = data.consumeInt(0, 0xFFFF);
            int timestamp = data.consumeInt();
            header[2] = (byte) (sequence >>> 8);
            header[3] = (byte) sequence;
            for (int b = 0; b < 4; b++) {
                header[4 + b] = (byte) (timestamp >>> (24 - 8 * b));
            }
            byte[] payload = data.consumeBytes(data.consumeInt(0, 1400));
            byte[] packet = Arrays.copyOf(header, header.length + payload.length);
            System.arraycopy(payload, 0, packet, header.length, payload.length);
            Optional<RtpPacket> parsed = RtpPacket.parse(packet);
            assertThat(parsed).as("a well-formed RTP header").isPresent();
            track.receive(parsed.get(), now[0]);
        }
        track.tick(now[0] + 10_000);
        for (MediaPacket frame : frames) {
            assertThat(frame.payload().size()).isLessThanOrEqualTo(H264Depacketizer.MAX_ACCESS_UNIT_BYTES + 4 * H264Depacketizer.MAX_NAL_UNITS);
        }
    }
}
