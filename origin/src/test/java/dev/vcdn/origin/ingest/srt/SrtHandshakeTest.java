package dev.vcdn.origin.ingest.srt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SrtHandshakeTest {

    /** A caller's conclusion as libsrt writes it: HSREQ, then the stream id in byte-swapped 32-bit words. */
    private static Buffer conclusion(String streamId, boolean keyMaterial) {
        SrtHandshake fields = new SrtHandshake(5, 0, 0x5, 1234, 1500, 8192, SrtHandshake.CONCLUSION, 777, 42,
                Optional.empty(), 0, 0, false, Optional.empty());
        Buffer extensions = Buffer.buffer()
                .appendUnsignedShort(1).appendUnsignedShort(3)
                .appendInt(0x010506).appendInt(0xBF).appendUnsignedShort(0).appendUnsignedShort(250);
        byte[] id = streamId.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[(id.length + 3) / 4 * 4];
        for (int i = 0; i < id.length; i++) {
            padded[(i & ~3) + 3 - (i & 3)] = id[i];
        }
        extensions.appendUnsignedShort(5).appendUnsignedShort(padded.length / 4).appendBytes(padded);
        if (keyMaterial) {
            extensions.appendUnsignedShort(3).appendUnsignedShort(1).appendInt(0);
        }
        return fields.encode(0, 0, new byte[] {127, 0, 0, 1}, extensions);
    }

    @Test
    void readsTheCallersConclusion() {
        assertThat(SrtHandshake.parse(conclusion("#!::r=live/sk_x,m=publish", false))).hasValueSatisfying(hs -> {
            assertThat(hs.type()).isEqualTo(SrtHandshake.CONCLUSION);
            assertThat(hs.socketId()).isEqualTo(777);
            assertThat(hs.cookie()).isEqualTo(42);
            assertThat(hs.initialSequence()).isEqualTo(1234);
            assertThat(hs.streamId()).contains("#!::r=live/sk_x,m=publish");
            assertThat(hs.peerVersion()).isEqualTo(0x010506);
            assertThat(hs.peerLatency()).isEqualTo(250);
            assertThat(hs.keyMaterial()).isFalse();
        });
        assertThat(SrtHandshake.parse(conclusion("#!::r=live/k,m=publish", true)).orElseThrow().keyMaterial()).isTrue();
    }

    @Test
    void refusesMalformedHandshakes() {
        Buffer whole = conclusion("#!::r=live/sk_x,m=publish", false);
        assertThat(SrtHandshake.parse(whole.getBuffer(0, SrtPacket.HEADER + 20))).as("short CIF").isEmpty();
        assertThat(SrtHandshake.parse(whole.getBuffer(0, whole.length() - 4))).as("extension past the end").isEmpty();
        assertThat(SrtHandshake.parse(conclusion("#!::r=live/" + "k".repeat(600), false))).as("stream id over 512").isEmpty();
    }
}
