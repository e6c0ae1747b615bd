package dev.vcdn.origin.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of what an RTMP publisher sends after the handshake: the chunk stream
 * and AMF0 command bodies. Refused with {@link RtmpProtocolException} or decoded; decoded AMF0
 * values encode and decode to themselves. Stored inputs run in {@code mvn test}; {@code
 * bench/fuzz.sh} fuzzes.
 */
class RtmpParsersFuzzTest {

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
}
