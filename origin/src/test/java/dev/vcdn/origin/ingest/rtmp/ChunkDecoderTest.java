package dev.vcdn.origin.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfObject;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ChunkDecoderTest {

    static List<SessionFixtures> sessions() {
        return List.of(SessionFixtures.FFMPEG, SessionFixtures.GSTREAMER);
    }

    /** Feeds {@code bytes} in pieces of {@code split} bytes, as TCP might deliver them. */
    private static List<RtmpMessage> decodeInPieces(byte[] bytes, int split) {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT);
        ByteBuf cumulation = Unpooled.buffer();
        List<RtmpMessage> messages = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += split) {
            cumulation.writeBytes(bytes, at, Math.min(split, bytes.length - at));
            decoder.decode(cumulation, messages);
            cumulation.discardReadBytes();
        }
        assertThat(cumulation.readableBytes()).as("bytes left undecoded").isZero();
        return messages;
    }

    private static List<String> commandNames(List<RtmpMessage> messages) {
        return messages.stream().filter(m -> m.typeId() == MessageType.AMF0_COMMAND)
                .map(m -> ((AmfString) Amf0.decodeAll(Unpooled.wrappedBuffer(m.payload())).get(0)).value())
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sessions")
    void decodesARealPublishSession(SessionFixtures session) {
        List<RtmpMessage> messages = decodeInPieces(session.chunks(), session.chunks().length);

        assertThat(commandNames(messages)).startsWith("connect").contains("createStream", "publish");
        RtmpMessage connect = messages.stream().filter(m -> m.typeId() == MessageType.AMF0_COMMAND).findFirst().orElseThrow();
        AmfObject properties = (AmfObject) Amf0.decodeAll(Unpooled.wrappedBuffer(connect.payload())).get(2);
        assertThat(properties.string("app")).contains("live");
        assertThat(properties.string("tcUrl")).hasValueSatisfying(url -> assertThat(url).endsWith("/live"));

        RtmpMessage publish = messages.stream().filter(m -> m.typeId() == MessageType.AMF0_COMMAND)
                .filter(m -> commandNames(List.of(m)).get(0).equals("publish")).findFirst().orElseThrow();
        assertThat(Amf0.decodeAll(Unpooled.wrappedBuffer(publish.payload())).get(3)).isEqualTo(AmfValue.string(SessionFixtures.KEY));

        List<RtmpMessage> video = messages.stream().filter(m -> m.typeId() == MessageType.VIDEO).toList();
        List<RtmpMessage> audio = messages.stream().filter(m -> m.typeId() == MessageType.AUDIO).toList();
        assertThat(video).hasSizeGreaterThanOrEqualTo(15);
        assertThat(audio).hasSizeGreaterThan(10);
        assertThat(video).allSatisfy(m -> assertThat(m.messageStreamId()).isEqualTo(1));
        // The first video message is the AVC sequence header: keyframe + AVC (0x17), packet type 0.
        assertThat(video.get(0).payload()[0]).isEqualTo((byte) 0x17);
        assertThat(video.get(0).payload()[1]).isZero();
        List<Long> videoTimes = video.stream().map(RtmpMessage::timestamp).toList();
        assertThat(videoTimes).isSorted();
        assertThat(videoTimes.get(videoTimes.size() - 1)).isBetween(1300L, 1600L);
    }

    static List<Arguments> splits() {
        return sessions().stream().flatMap(s -> IntStream.concat(IntStream.rangeClosed(1, 64), IntStream.of(127, 128, 129,
                1000, 4095, 4096, 4097, 65_536)).mapToObj(split -> Arguments.of(s, split))).toList();
    }

    @ParameterizedTest(name = "{0} in pieces of {1}")
    @MethodSource("splits")
    void anySplitOfTheBytesGivesTheSameMessages(SessionFixtures session, int split) {
        assertThat(decodeInPieces(session.chunks(), split)).isEqualTo(decodeInPieces(session.chunks(), session.chunks().length));
    }

    @Test
    void anIncompleteChunkYieldsNothingAndConsumesNothing() {
        byte[] chunks = SessionFixtures.FFMPEG.chunks();
        ByteBuf partial = Unpooled.wrappedBuffer(chunks, 0, 20);
        List<RtmpMessage> out = new ArrayList<>();
        new ChunkDecoder(RtmpLimits.DEFAULT).decode(partial, out);
        assertThat(out).isEmpty();
        assertThat(partial.readerIndex()).isZero();
    }

    private static void decodeHex(String hex) {
        new ChunkDecoder(RtmpLimits.DEFAULT).decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", ""))),
                new ArrayList<>());
    }

    @Test
    void aContinuationHeaderOnANewChunkStreamIsAnError() {
        assertThatThrownBy(() -> decodeHex("43 000000 000004 14")).isInstanceOf(RtmpProtocolException.class)
                .hasMessage("chunk stream 3 starts with a type 1 header");
        assertThatThrownBy(() -> decodeHex("c3")).hasMessage("chunk stream 3 starts with a type 3 header");
    }

    @Test
    void oversizedMessagesAreRefusedBeforeAnyAllocation() {
        // A command of 16 MiB - 1 and a video message of 9 MiB.
        assertThatThrownBy(() -> decodeHex("03 000000 ffffff 14 00000000"))
                .hasMessage("message of 16777215 bytes (type 20) on chunk stream 3, limit 65536");
        assertThatThrownBy(() -> decodeHex("06 000000 900000 09 01000000"))
                .hasMessage("message of 9437184 bytes (type 9) on chunk stream 6, limit 8388608");
    }

    @Test
    void absurdOrInvalidChunkSizesCloseTheConnection() {
        assertThatThrownBy(() -> decodeHex("02 000000 000004 01 00000000 00000000"))
                .hasMessage("Set Chunk Size 0 outside 1..1048576");
        assertThatThrownBy(() -> decodeHex("02 000000 000004 01 00000000 00ffffff"))
                .hasMessage("Set Chunk Size 16777215 outside 1..1048576");
        assertThatThrownBy(() -> decodeHex("02 000000 000004 01 00000000 80001000"))
                .hasMessageStartingWith("Set Chunk Size with the reserved top bit set");
        assertThatThrownBy(() -> decodeHex("02 000000 000002 01 00000000 0010"))
                .hasMessage("Set Chunk Size message of 2 bytes");
    }

    @Test
    void setChunkSizeAppliesToTheFollowingChunks() {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT);
        List<RtmpMessage> out = new ArrayList<>();
        // Set Chunk Size 200, then a 150-byte message in one chunk (it would need two at 128).
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(HexFormat.of().parseHex("02" + "000000" + "000004" + "01" + "00000000" + "000000c8"));
        in.writeBytes(HexFormat.of().parseHex("04" + "000000" + "000096" + "08" + "01000000"));
        in.writeBytes(new byte[150]);
        decoder.decode(in, out);
        assertThat(decoder.chunkSize()).isEqualTo(200);
        assertThat(out).extracting(RtmpMessage::typeId).containsExactly(MessageType.SET_CHUNK_SIZE, MessageType.AUDIO);
        assertThat(out.get(1).payload()).hasSize(150);
    }

    @Test
    void tooManyChunkStreamsCloseTheConnection() {
        StringBuilder hex = new StringBuilder();
        for (int csid = 3; csid < 3 + RtmpLimits.DEFAULT.maxChunkStreams() + 1; csid++) {
            hex.append(String.format("%02x 000000 000001 08 01000000 af ", csid));
        }
        assertThatThrownBy(() -> decodeHex(hex.toString()))
                .hasMessage("more than " + RtmpLimits.DEFAULT.maxChunkStreams() + " chunk streams");
    }

    @Test
    void aNewHeaderInTheMiddleOfAMessageIsAnError() {
        // 200-byte audio message: first chunk of 128 bytes, then a type 0 header instead of a continuation.
        String first = "04 000000 0000c8 08 01000000 " + "00".repeat(128);
        assertThatThrownBy(() -> decodeHex(first + " 04 000000 000001 08 01000000 00"))
                .hasMessage("type 0 header on chunk stream 4 in the middle of a message");
    }

    @Test
    void abortDropsTheUnfinishedMessage() {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT);
        List<RtmpMessage> out = new ArrayList<>();
        String hex = "04 000000 0000c8 08 01000000 " + "00".repeat(128) // half of a 200-byte message on csid 4
                + " 02 000000 000004 02 00000000 00000004"                     // Abort csid 4
                + " 04 000000 000001 08 01000000 af";                            // a new 1-byte message on csid 4
        decoder.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", ""))), out);
        assertThat(out).extracting(RtmpMessage::typeId).containsExactly(MessageType.ABORT, MessageType.AUDIO);
        assertThat(out.get(1).payload()).containsExactly(0xaf);
    }

    @Test
    void extendedTimestampsAndDeltasAccumulate() {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.DEFAULT);
        List<RtmpMessage> out = new ArrayList<>();
        String hex = "04 ffffff 000001 08 01000000 01000000 af" // type 0, extended timestamp 0x01000000
                + " c4 01000000 af"                              // type 3 new message: delta 0 after type 0, ext repeated
                + " 44 000021 000001 08 af"                      // type 1: +33
                + " c4 af";                                      // type 3: +33 again
        decoder.decode(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", ""))), out);
        assertThat(out).extracting(RtmpMessage::timestamp).containsExactly(0x01000000L, 0x01000000L, 0x01000021L, 0x01000042L);
    }

    @Test
    void garbageIsAnError() {
        assertThatThrownBy(() -> decodeHex("47 45 54 20 2f 20 48 54 54 50")).isInstanceOf(RtmpProtocolException.class);
    }

    @Test
    void theEncoderWritesWhatTheDecoderReads() {
        byte[] payload = new byte[10_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        List<RtmpMessage> sent = List.of(
                new RtmpMessage(3, MessageType.AMF0_COMMAND, 0, 0, new byte[] {5}),
                new RtmpMessage(70, MessageType.VIDEO, 0xFFFFFFL + 5, 1, payload),
                new RtmpMessage(400, MessageType.AUDIO, 42, 1, new byte[] {1, 2, 3}));
        ByteBuf wire = Unpooled.buffer();
        sent.forEach(m -> ChunkEncoder.encode(m, ChunkDecoder.DEFAULT_CHUNK_SIZE, wire));
        List<RtmpMessage> received = new ArrayList<>();
        new ChunkDecoder(RtmpLimits.DEFAULT).decode(wire, received);
        assertThat(received).isEqualTo(sent);
    }
}
