package dev.vcdn.origin.ingest.srt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.buffer.Buffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

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
        handshake.streamId().flatMap(SrtStreamId::parse).ifPresent(id -> {
            assertThat(id.app()).isNotEmpty().doesNotContain(",");
            assertThat(id.key()).isNotEmpty().doesNotContain(",");
        });
        handshake.keyMaterialMessage().ifPresent(message -> assertThat(message.length).isLessThanOrEqualTo(SrtCrypto.MAX_KM_BYTES));
        SrtHandshake again = SrtHandshake.parse(handshake.encode(0, 0, new byte[] {127, 0, 0, 1}, Buffer.buffer())).orElseThrow();
        assertThat(List.of(again.version(), again.encryption(), again.extension(), again.initialSequence(), again.mtu(),
                again.flowWindow(), again.type(), again.socketId(), again.cookie()))
                .isEqualTo(List.of(handshake.version(), handshake.encryption(), handshake.extension(), handshake.initialSequence(),
                        handshake.mtu(), handshake.flowWindow(), handshake.type(), handshake.socketId(), handshake.cookie()));
    }

    /**
     * A KMREQ, either the fuzzer's bytes (refused with {@link SrtCrypto.KeyMaterialException}) or one
     * a caller would send, wrapping the fuzzer's keys under our passphrase; then data packets, which
     * decrypt to what the caller encrypted with the key their flags name, or to nothing when that key
     * is unknown, and KM refreshes. The key-encrypting key is derived once here (PBKDF2 is slow); the
     * parser derives it per message, as it does per connection.
     */
    @FuzzTest(maxDuration = "10m")
    void keyingMaterial(FuzzedDataProvider data) throws GeneralSecurityException {
        byte[][] keys = new byte[3][];
        byte[] message;
        if (data.consumeBoolean()) {
            message = data.consumeBytes(SrtCrypto.MAX_KM_BYTES + 8);
        } else {
            int keyFlags = data.consumeInt(1, 3);
            int keyLength = data.pickValue(new int[] {16, 24, 32});
            for (int flag = 1; flag <= 2; flag++) {
                keys[flag] = (keyFlags & flag) != 0 ? padded(data.consumeBytes(keyLength), keyLength) : null;
            }
            message = CallerKeys.message(keyFlags, keys);
        }
        SrtCrypto crypto;
        try {
            crypto = SrtCrypto.fromKeyMaterial(message, PASSPHRASE);
        } catch (SrtCrypto.KeyMaterialException refused) {
            return;
        }
        while (data.remainingBytes() > 0) {
            if (data.consumeBoolean()) {
                try {
                    crypto.refresh(data.consumeBytes(SrtCrypto.MAX_KM_BYTES + 8));
                } catch (SrtCrypto.KeyMaterialException refused) {
                    continue; // keeps the keys it had
                }
                return; // new keys the harness does not know
            }
            int sequence = data.consumeInt(0, SrtPacket.MAX_SEQUENCE);
            int keyFlag = data.consumeInt(0, 3);
            byte[] payload = data.consumeBytes(data.consumeInt(0, 1456));
            byte[] key = keyFlag == 1 || keyFlag == 2 ? keys[keyFlag] : null;
            Buffer packet = Buffer.buffer().appendInt(sequence).appendInt(0xC0000001 | (keyFlag << 27)).appendInt(0).appendInt(77)
                    .appendBytes(key == null ? payload : CallerKeys.encrypt(key, sequence, payload));
            int flags = SrtPacket.encryptionFlags(packet);
            if (flags == 0) {
                continue; // in the clear: SrtConnection drops it without asking the crypto
            }
            Buffer clear = crypto.decrypt(packet, flags);
            if (clear == null) {
                assertThat(payload.length == 0 || key == null).as("nothing to decrypt, or a key the caller did not send").isTrue();
                continue;
            }
            assertThat(SrtPacket.encryptionFlags(clear)).isZero();
            if (key != null) {
                assertThat(clear.getBytes(SrtPacket.HEADER, clear.length())).as("what the caller encrypted").isEqualTo(payload);
            }
        }
    }

    private static byte[] padded(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    /** The caller's keys under one salt, so that PBKDF2 runs once per key length. */
    private static final class CallerKeys {
        static final byte[] SALT = HexFormat.of().parseHex("a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8");
        static final SecretKeySpec[] KEKS = new SecretKeySpec[33];

        static {
            try {
                for (int length : new int[] {16, 24, 32}) {
                    KEKS[length] = SrtCaller.keyEncryptingKey(PASSPHRASE, SALT, length);
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The KM message: the even then the odd key (those present) wrapped together. */
        static byte[] message(int keyFlags, byte[][] keys) throws GeneralSecurityException {
            int keyLength = keys[1] != null ? keys[1].length : keys[2].length;
            byte[] both = new byte[(keyFlags == 3 ? 2 : 1) * keyLength];
            int at = 0;
            for (int flag = 1; flag <= 2; flag++) {
                if (keys[flag] != null) {
                    System.arraycopy(keys[flag], 0, both, at, keyLength);
                    at += keyLength;
                }
            }
            return SrtCaller.keyMaterial(keyFlags, SALT, KEKS[keyLength], keyLength, both);
        }

        static byte[] encrypt(byte[] key, int sequence, byte[] payload) throws GeneralSecurityException {
            return SrtCaller.encrypt(key, SALT, sequence, payload);
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
