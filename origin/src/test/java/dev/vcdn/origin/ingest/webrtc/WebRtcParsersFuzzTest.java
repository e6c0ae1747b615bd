package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vcdn.shared.media.MediaPacket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * Datagrams as they reach a connected session, routed as {@link WhipSession} routes them: the
     * fuzzer's own bytes (refused: it cannot authenticate them), RTP packets sealed as a publisher
     * seals them (its sequence numbers rising, wrapping, now and then reordered), replays of those,
     * and sealed RTCP. A sealed packet comes out as it went in unless it repeats an index or fell
     * out of the replay window, which is exactly when it is refused.
     */
    @FuzzTest(maxDuration = "10m")
    void srtpUnprotect(FuzzedDataProvider data) {
        SrtpContext publisher = new SrtpContext(MASTER_KEY, MASTER_SALT);
        SrtpContext session = new SrtpContext(MASTER_KEY, MASTER_SALT);
        Map<Long, Long> highestIndex = new HashMap<>();
        Set<String> indicesSeen = new HashSet<>();
        List<byte[]> sealed = new ArrayList<>();
        for (int i = 0; i < MAX_PACKETS && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> {
                    byte[] datagram = data.consumeBytes(data.consumeInt(0, 1500));
                    if (datagram.length >= 2) {
                        assertThat(unprotect(session, datagram)).as("bytes nobody sealed").isEmpty();
                    }
                }
                case 1 -> {
                    long ssrc = 0x1000 + data.consumeInt(0, 3);
                    Long highest = highestIndex.get(ssrc);
                    long index = highest == null ? data.consumeInt(0, 0xFFFF) : highest + data.consumeInt(-100, 100);
                    if (index < 0) {
                        continue;
                    }
                    byte[] packet = rtp(ssrc, index, data);
                    byte[] datagram = publisher.protectRtp(packet, (int) (index >>> 16));
                    boolean fresh = highest == null || index > highest
                            || (highest - index < SrtpContext.REPLAY_WINDOW && !indicesSeen.contains(ssrc + ":" + index));
                    Optional<byte[]> plain = unprotect(session, datagram);
                    assertThat(plain.isPresent()).as("accepted exactly when neither repeated nor too old").isEqualTo(fresh);
                    if (fresh) {
                        assertThat(plain.get()).as("what the publisher sealed").isEqualTo(packet);
                        assertThat(RtpPacket.parse(plain.get())).isPresent();
                        indicesSeen.add(ssrc + ":" + index);
                        highestIndex.put(ssrc, highest == null ? index : Math.max(highest, index));
                        sealed.add(datagram);
                    }
                }
                case 2 -> {
                    if (!sealed.isEmpty()) {
                        byte[] again = sealed.get(data.consumeInt(0, sealed.size() - 1));
                        assertThat(unprotect(session, again)).as("a replay").isEmpty();
                    }
                }
                default -> {
                    byte[] body = data.consumeBytes(data.consumeInt(4, 200) / 4 * 4);
                    byte[] rtcp = ByteBuffer.allocate(8 + body.length).put((byte) 0x80).put((byte) data.consumeInt(200, 206))
                            .putShort((short) ((8 + body.length) / 4 - 1)).putInt(0x1000).put(body).array();
                    Optional<byte[]> plain = unprotect(session, publisher.protectRtcp(rtcp));
                    assertThat(plain).as("sealed RTCP").isPresent();
                    assertThat(plain.get()).isEqualTo(rtcp);
                    Rtcp.senderReports(plain.get());
                }
            }
        }
    }

    /** As the session does: RTCP or RTP by the second byte, then the matching unprotect; empty when refused. */
    private static Optional<byte[]> unprotect(SrtpContext session, byte[] datagram) {
        try {
            return Optional.of(RtpPacket.isRtcp(datagram, datagram.length) ? session.unprotectRtcp(datagram, datagram.length)
                    : session.unprotectRtp(datagram, datagram.length));
        } catch (SrtpContext.SrtpException refused) {
            return Optional.empty();
        }
    }

    /** An RTP packet of a video payload type (never mistaken for RTCP), with the fuzzer's CSRCs, extension and payload. */
    private static byte[] rtp(long ssrc, long index, FuzzedDataProvider data) {
        int csrcs = data.consumeInt(0, 3);
        boolean extension = data.consumeBoolean();
        byte[] extensionBody = extension ? data.consumeBytes(data.consumeInt(0, 4) * 4) : new byte[0];
        byte[] payload = data.consumeBytes(data.consumeInt(0, 1200));
        ByteBuffer packet = ByteBuffer.allocate(12 + 4 * csrcs + (extension ? 4 + 4 * (extensionBody.length / 4) : 0) + payload.length);
        packet.put((byte) (0x80 | (extension ? 0x10 : 0) | csrcs)).put((byte) ((data.consumeBoolean() ? 0x80 : 0) | VIDEO_PAYLOAD_TYPE))
                .putShort((short) index).putInt(data.consumeInt()).putInt((int) ssrc);
        for (int c = 0; c < csrcs; c++) {
            packet.putInt(0x2000 + c);
        }
        if (extension) {
            packet.putShort((short) 0xBEDE).putShort((short) (extensionBody.length / 4)).put(extensionBody, 0, extensionBody.length / 4 * 4);
        }
        return packet.put(payload).array();
    }

    /**
     * RTP packets of the video track, in the fuzzer's order, timing and losses: through the reorder
     * buffer, the depacketizer and the access-unit assembler (SPS and PPS into an avcC record); every
     * frame handed on is whole length-prefixed NAL units, in decode order.
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
        long lastDts = Long.MIN_VALUE;
        for (MediaPacket packet : frames) {
            byte[] bytes = packet.payload().toByteArray();
            if (packet.isConfig()) {
                assertThat(bytes[0]).as("avcC version").isEqualTo((byte) 1);
                continue;
            }
            assertThat(packet.dts()).as("decode order").isGreaterThanOrEqualTo(lastDts);
            lastDts = packet.dts();
            int at = 0;
            while (at < bytes.length) {
                assertThat(bytes.length - at).as("a whole length prefix").isGreaterThanOrEqualTo(4);
                int length = ByteBuffer.wrap(bytes, at, 4).getInt();
                assertThat(length).as("a NAL unit within the frame").isBetween(1, bytes.length - at - 4);
                at += 4 + length;
            }
        }
    }
}
