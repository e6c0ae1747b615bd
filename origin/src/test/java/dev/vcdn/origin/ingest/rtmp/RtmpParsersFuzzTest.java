package dev.vcdn.origin.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.shared.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of what an RTMP publisher sends: the handshake, the chunk stream, AMF0
 * command bodies, and a whole publish session (handshake, commands, metadata, FLV audio and video
 * tags) as the connection hands it to {@link RtmpSession}. Refused with {@link RtmpProtocolException}
 * (or, for media we do not take, {@link UnsupportedMediaException}) or decoded; decoded AMF0 values
 * encode and decode to themselves. Stored inputs run in {@code mvn test}, the two recorded real
 * sessions (ffmpeg, GStreamer) among the session's seeds; {@code bench/fuzz.sh} fuzzes.
 */
class RtmpParsersFuzzTest {

    private static final int DIGEST_BYTES = 32;

    @FuzzTest(maxDuration = "10m")
    void amf0(byte[] input) {
        List<AmfValue> values;
        try {
            values = Amf0.decodeAll(Unpooled.wrappedBuffer(input));
        } catch (RtmpProtocolException refused) {
            return;
        }
        ByteBuf written = Unpooled.buffer();
        values.forEach(value -> Amf0.encode(value, written));
        assertThat(Amf0.decodeAll(written)).isEqualTo(values);
    }

    @FuzzTest(maxDuration = "10m")
    void chunkStream(byte[] input) {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT);
        List<RtmpMessage> messages = new ArrayList<>();
        try {
            decoder.decode(Unpooled.wrappedBuffer(input), messages);
        } catch (RtmpProtocolException refused) {
            return;
        }
        for (RtmpMessage message : messages) {
            assertThat(message.payload().length).isLessThanOrEqualTo(RtmpLimits.DEFAULT.maxMediaMessageBytes());
        }
    }

    /**
     * C0+C1 of any content: refused as not RTMP, or answered with S0+S1+S2, where S2 echoes C1 for
     * a plain handshake and carries the signature over the client's digest for a digest one.
     */
    @FuzzTest(maxDuration = "10m")
    void handshake(byte[] input) {
        byte[] c0c1 = Arrays.copyOf(input, 1 + Handshake.PACKET_SIZE);
        byte[] answer;
        try {
            answer = Handshake.respond(c0c1);
        } catch (RtmpProtocolException refused) {
            assertThat(c0c1[0]).isNotEqualTo((byte) Handshake.RTMP_VERSION);
            return;
        }
        assertThat(answer).hasSize(1 + 2 * Handshake.PACKET_SIZE);
        assertThat(answer[0]).isEqualTo((byte) Handshake.RTMP_VERSION);
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, c0c1.length);
        byte[] s2 = Arrays.copyOfRange(answer, 1 + Handshake.PACKET_SIZE, answer.length);
        boolean versioned = c1[4] != 0 || c1[5] != 0 || c1[6] != 0 || c1[7] != 0;
        Optional<byte[]> digest = versioned ? Handshake.findClientDigest(c1) : Optional.empty();
        if (digest.isEmpty()) {
            assertThat(s2).as("S2 echoes C1").isEqualTo(c1);
        } else {
            byte[] key = Handshake.hmacSha256(Handshake.SERVER_KEY, digest.get(), 0, DIGEST_BYTES);
            assertThat(Arrays.copyOfRange(s2, Handshake.PACKET_SIZE - DIGEST_BYTES, Handshake.PACKET_SIZE)).as("S2 signed for the client's digest")
                    .isEqualTo(Handshake.hmacSha256(key, s2, 0, Handshake.PACKET_SIZE - DIGEST_BYTES));
        }
    }

    /**
     * A publisher's bytes from its first: in the pieces a socket delivers, the publish request
     * granted as soon as it is asked; every media packet handed on within the limits.
     */
    @FuzzTest(maxDuration = "10m")
    void publishSession(byte[] input) {
        List<MediaPacket> media = new ArrayList<>();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        RtmpSession session = new RtmpSession(RtmpLimits.DEFAULT, new RtmpSession.Listener() {
            @Override
            public void write(byte[] bytes) {
                written.writeBytes(bytes);
            }

            @Override
            public void publishRequested(String app, String streamKey) {
            }

            @Override
            public void describedSource(SourceInfo source) {
            }

            @Override
            public void media(MediaPacket packet) {
                media.add(packet);
            }

            @Override
            public void unpublished() {
            }
        });
        // The last byte picks the size of the socket's reads, so that the fuzzer varies it too.
        int read = input.length == 0 ? 1 : 1 + (input[input.length - 1] & 0xFF) * 37;
        try {
            for (int at = 0; at < input.length && session.phase() != RtmpSession.Phase.CLOSED; at += read) {
                session.receive(Arrays.copyOfRange(input, at, Math.min(input.length, at + read)));
                if (session.phase() == RtmpSession.Phase.AUTHORIZING) {
                    session.accept("live");
                }
            }
        } catch (RtmpProtocolException | UnsupportedMediaException refused) {
            assertThat(session.phase()).as("a refused session takes nothing more").isEqualTo(RtmpSession.Phase.CLOSED);
        } finally {
            session.close(); // as the connection does when its socket closes: the session's buffer is released
        }
        if (input.length > Handshake.PACKET_SIZE && input[0] == Handshake.RTMP_VERSION) {
            assertThat(written.size()).as("S0+S1+S2 at least").isGreaterThanOrEqualTo(1 + 2 * Handshake.PACKET_SIZE);
        }
        for (MediaPacket packet : media) {
            assertThat(packet.payload().size()).isLessThanOrEqualTo(RtmpLimits.DEFAULT.maxMediaMessageBytes());
        }
    }
}
