package dev.vcdn.origin.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The RTMP session as pure code over the bytes real publishers sent, in every split TCP could make. */
class RtmpSessionTest {

    /** What the session told its connection. */
    private static final class Recorder implements RtmpSession.Listener {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<String> requests = new ArrayList<>();
        final List<SourceInfo> sources = new ArrayList<>();
        final List<MediaPacket> media = new ArrayList<>();
        int unpublished;

        @Override
        public void write(byte[] bytes) {
            written.writeBytes(bytes);
        }

        @Override
        public void publishRequested(String app, String streamKey) {
            requests.add(app + "/" + streamKey);
        }

        @Override
        public void describedSource(SourceInfo source) {
            sources.add(source);
        }

        @Override
        public void media(MediaPacket packet) {
            media.add(packet);
        }

        @Override
        public void unpublished() {
            unpublished++;
        }

        long count(MediaKind kind) {
            return media.stream().filter(p -> p.kind() == kind).count();
        }
    }

    static Stream<Arguments> sessionsInPieces() {
        return Stream.of(SessionFixtures.FFMPEG, SessionFixtures.GSTREAMER).flatMap(session ->
                Stream.of(1, 2, 3, 7, 128, 1537, 4096, Integer.MAX_VALUE).map(split -> Arguments.of(session, split)));
    }

    /** Feeds {@code bytes} in pieces of {@code split}, answering the publish request as soon as it comes (as ingest would, later). */
    private static Recorder run(byte[] bytes, int split) {
        Recorder recorder = new Recorder();
        RtmpSession session = new RtmpSession(RtmpLimits.DEFAULT, recorder);
        for (int at = 0; at < bytes.length; at += split) {
            session.receive(Arrays.copyOfRange(bytes, at, (int) Math.min(bytes.length, (long) at + split)));
            if (!recorder.requests.isEmpty() && session.phase() == RtmpSession.Phase.AUTHORIZING) {
                session.accept("live");
            }
        }
        return recorder;
    }

    @ParameterizedTest(name = "{0} in pieces of {1}")
    @MethodSource("sessionsInPieces")
    void aRealPublishSessionGivesTheSameStreamInAnyPieces(SessionFixtures session, int split) {
        Recorder whole = run(session.bytes(), Integer.MAX_VALUE);
        Recorder pieces = run(session.bytes(), split);

        assertThat(pieces.requests).containsExactly("live/" + SessionFixtures.KEY);
        assertThat(pieces.written.toByteArray()).startsWith(new byte[] {Handshake.RTMP_VERSION});
        assertThat(pieces.count(MediaKind.VIDEO)).as("15 frames and the decoder configuration").isEqualTo(16);
        assertThat(pieces.count(MediaKind.AUDIO)).isGreaterThan(10);
        assertThat(pieces.media).isEqualTo(whole.media);
        assertThat(pieces.sources).isEqualTo(whole.sources);
        // The handshake answer (S0, S1, S2) carries random bytes and the time; everything after it is the same.
        int handshake = 1 + 2 * Handshake.PACKET_SIZE;
        byte[] answers = pieces.written.toByteArray();
        byte[] wholeAnswers = whole.written.toByteArray();
        assertThat(Arrays.copyOfRange(answers, handshake, answers.length)).as("the same answers")
                .isEqualTo(Arrays.copyOfRange(wholeAnswers, handshake, wholeAnswers.length));
    }

    @Test
    void mediaSentBeforeThePublishIsAnsweredWaitsForTheAnswer() {
        Recorder recorder = new Recorder();
        RtmpSession session = new RtmpSession(RtmpLimits.DEFAULT, recorder);
        session.receive(SessionFixtures.FFMPEG.bytes());
        assertThat(recorder.requests).hasSize(1);
        assertThat(recorder.media).as("nothing handed on before the key is accepted").isEmpty();

        session.accept("live");
        assertThat(recorder.count(MediaKind.VIDEO)).isEqualTo(16);
        assertThat(recorder.sources).singleElement().satisfies(source -> {
            assertThat(source.width()).isEqualTo(160);
            assertThat(source.height()).isEqualTo(90);
        });
    }

    @Test
    void aRefusedPublishIsToldAndTakesNothingMore() {
        Recorder recorder = new Recorder();
        RtmpSession session = new RtmpSession(RtmpLimits.DEFAULT, recorder);
        byte[] bytes = SessionFixtures.FFMPEG.bytes();
        session.receive(bytes);
        int before = recorder.written.size();
        session.refuse("NetStream.Publish.BadName", "unknown stream key");

        assertThat(session.phase()).isEqualTo(RtmpSession.Phase.CLOSED);
        assertThat(new String(recorder.written.toByteArray(), before, recorder.written.size() - before,
                java.nio.charset.StandardCharsets.ISO_8859_1)).contains("NetStream.Publish.BadName", "unknown stream key");
        session.receive(bytes);
        assertThat(recorder.media).isEmpty();
    }

    /** A publisher of our own: handshake, then the given messages as chunks. */
    private static byte[] publisher(RtmpMessage... messages) {
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(SessionFixtures.FFMPEG.c0c1());
        out.writeZero(Handshake.PACKET_SIZE); // C2
        for (RtmpMessage message : messages) {
            ChunkEncoder.encode(message, 128, out);
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    private static RtmpMessage command(String name, double txn, AmfValue... args) {
        RtmpMessage message = RtmpCommands.command(0, name, txn, args);
        return new RtmpMessage(3, message.typeId(), 0, name.equals("publish") ? 1 : 0, message.payload());
    }

    private static RtmpMessage metadata(Map<String, AmfValue> properties) {
        ByteBuf payload = Unpooled.buffer();
        Amf0.encode(AmfValue.string("@setDataFrame"), payload);
        Amf0.encode(AmfValue.string("onMetaData"), payload);
        Amf0.encode(new AmfValue.AmfObject(properties, true), payload);
        byte[] bytes = new byte[payload.readableBytes()];
        payload.readBytes(bytes);
        return new RtmpMessage(4, MessageType.AMF0_DATA, 0, 1, bytes);
    }

    @Test
    void metadataNoEncoderSendsIsKeptOnlyWhereItMakesSense() {
        Map<String, AmfValue> said = new LinkedHashMap<>();
        said.put("width", AmfValue.number(-1280));
        said.put("height", AmfValue.number(720));
        said.put("framerate", AmfValue.number(Double.NaN));
        said.put("videocodecid", AmfValue.number(7));
        said.put("audiocodecid", AmfValue.string("mp4a\u0000<b>"));
        byte[] bytes = publisher(
                command("connect", 1, new AmfValue.AmfObject(Map.of("app", AmfValue.string("live")), false)),
                command("createStream", 2, AmfValue.AmfNull.INSTANCE),
                command("publish", 3, AmfValue.AmfNull.INSTANCE, AmfValue.string("sk_key"), AmfValue.string("live")),
                metadata(said));
        Recorder recorder = run(bytes, 5);

        assertThat(recorder.requests).containsExactly("live/sk_key");
        assertThat(recorder.sources).containsExactly(new SourceInfo("avc1", 0, 0, 0, ""));
    }

    @Test
    void mediaBeforeAnyPublishAndGarbageCloseTheSession() {
        Recorder recorder = new Recorder();
        RtmpSession early = new RtmpSession(RtmpLimits.DEFAULT, recorder);
        byte[] mediaFirst = publisher(command("connect", 1, new AmfValue.AmfObject(Map.of(), false)),
                new RtmpMessage(6, MessageType.VIDEO, 0, 1, new byte[] {0x17, 0, 0, 0, 0}));
        assertThatThrownBy(() -> early.receive(mediaFirst)).isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("media before publish");
        assertThat(early.phase()).isEqualTo(RtmpSession.Phase.CLOSED);

        RtmpSession http = new RtmpSession(RtmpLimits.DEFAULT, recorder);
        assertThatThrownBy(() -> http.receive("GET / HTTP/1.1\r\n".getBytes())).isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining("not RTMP");
    }

    @Test
    void anIncompleteMessageWaitsWithoutAnswerOrError() {
        Recorder recorder = new Recorder();
        RtmpSession session = new RtmpSession(RtmpLimits.DEFAULT, recorder);
        byte[] bytes = SessionFixtures.FFMPEG.bytes();
        session.receive(Arrays.copyOf(bytes, 1 + Handshake.PACKET_SIZE - 1));
        assertThat(recorder.written.size()).isZero();
        assertThat(session.phase()).isEqualTo(RtmpSession.Phase.HANDSHAKE);
    }
}
