package dev.vcdn.origin.ingest.srt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of what an SRT caller sends: handshake packets (with their extensions and
 * stream id), keying material and the data packets it protects, and the packet sequence the receive
 * window sees (any sequence numbers, retransmissions, drop requests, ACKACKs, in any timing). Nothing
 * escapes as an exception, a handshake round-trips through our writer, and the window hands payloads
 * on in sequence order only, with NAKs within their bound. Stored inputs run in {@code mvn test}.
 */
class SrtParsersFuzzTest {

    private static final String PASSPHRASE = "a passphrase of ours";
    private static final int MAX_STEPS = 512;

    @FuzzTest(maxDuration = "10m")
    void handshake(byte[] input) {
        Optional<SrtHandshake> parsed = SrtHandshake.parse(Buffer.buffer(input));
        if (parsed.isEmpty()) {
            return;
        }
        SrtHandshake handshake = parsed.get();
        handshake.streamId().ifPresent(id -> {
            assertThat(id.length()).isLessThanOrEqualTo(SrtHandshake.MAX_STREAM_ID);
            SrtStreamId.parse(id);
        });
        handshake.keyMaterialMessage().ifPresent(message -> assertThat(message.length).isLessThanOrEqualTo(SrtCrypto.MAX_KM_BYTES));
        SrtHandshake again = SrtHandshake.parse(handshake.encode(0, 0, new byte[] {127, 0, 0, 1}, Buffer.buffer())).orElseThrow();
        assertThat(List.of(again.version(), again.encryption(), again.extension(), again.initialSequence(), again.mtu(),
                again.flowWindow(), again.type(), again.socketId(), again.cookie()))
                .isEqualTo(List.of(handshake.version(), handshake.encryption(), handshake.extension(), handshake.initialSequence(),
                        handshake.mtu(), handshake.flowWindow(), handshake.type(), handshake.socketId(), handshake.cookie()));
    }

    /** A KMREQ (refused with {@link SrtCrypto.KeyMaterialException} or installed), its refreshes, and packets to decrypt. */
    @FuzzTest(maxDuration = "10m")
    void keyingMaterial(FuzzedDataProvider data) {
        SrtCrypto crypto;
        try {
            crypto = SrtCrypto.fromKeyMaterial(data.consumeBytes(SrtCrypto.MAX_KM_BYTES + 8), PASSPHRASE);
        } catch (SrtCrypto.KeyMaterialException refused) {
            return;
        }
        while (data.remainingBytes() > 0) {
            if (data.consumeBoolean()) {
                try {
                    crypto.refresh(data.consumeBytes(SrtCrypto.MAX_KM_BYTES + 8));
                } catch (SrtCrypto.KeyMaterialException refused) {
                    // keeps the keys it had
                }
                continue;
            }
            Buffer packet = Buffer.buffer(data.consumeBytes(data.consumeInt(0, 1500)));
            if (packet.length() >= SrtPacket.HEADER) {
                Buffer clear = crypto.decrypt(packet, data.consumeInt(1, 2));
                if (clear != null) {
                    assertThat(clear.length()).isEqualTo(packet.length());
                    assertThat(SrtPacket.encryptionFlags(clear)).isZero();
                }
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void receiveWindow(FuzzedDataProvider data) {
        List<Buffer> sent = new ArrayList<>();
        List<Integer> delivered = new ArrayList<>();
        int initial = data.consumeInt(0, SrtPacket.MAX_SEQUENCE);
        SrtReceiver receiver = new SrtReceiver(initial, 99, data.consumeLong(0, 2_000_000), sent::add);
        long now = 0;
        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
            now += data.consumeInt(0, 50_000);
            switch (data.consumeInt(0, 5)) {
                case 0, 1 -> {
                    int sequence = data.consumeBoolean() ? data.consumeInt(0, SrtPacket.MAX_SEQUENCE)
                            : SrtPacket.next(initial, data.consumeInt(-100, SrtReceiver.CAPACITY + 100));
                    receiver.data(Buffer.buffer().appendInt(sequence).appendInt(0xC0000000).appendInt(0).appendInt(99)
                            .appendInt(sequence), now);
                }
                case 2 -> receiver.deliver(now, payload -> data.consumeBoolean() && delivered.add(Buffer.buffer(payload).getInt(0)));
                case 3 -> receiver.tick(now);
                case 4 -> receiver.ackAck(data.consumeInt(), now);
                default -> receiver.dropRequest(data.consumeInt(0, SrtPacket.MAX_SEQUENCE), data.consumeInt(0, SrtPacket.MAX_SEQUENCE));
            }
        }
        for (int i = 1; i < delivered.size(); i++) {
            assertThat(SrtPacket.distance(delivered.get(i), delivered.get(i - 1))).as("handed on in sequence order").isPositive();
        }
        for (Buffer packet : sent) {
            if (SrtPacket.controlType(packet) == SrtPacket.NAK) {
                assertThat(packet.length() - SrtPacket.HEADER).isLessThanOrEqualTo(4 * 350);
            }
        }
    }
}
