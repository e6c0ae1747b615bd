package dev.vcdn.origin.ingest.srt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The keying material and packet decryption, against a caller built here from the HaiCrypt
 * layout (libsrt itself is the peer in {@code SrtIngestTest}): what is refused and how.
 */
class SrtCryptoTest {

    private static final String PASSPHRASE = "a passphrase of ours";
    private final SecureRandom random = new SecureRandom();

    @Test
    void unwrapsTheCallersKeyAndDecryptsItsPackets() throws Exception {
        byte[] salt = randomBytes(16);
        byte[] key = randomBytes(16);
        SrtCrypto crypto = SrtCrypto.fromKeyMaterial(keyMaterial(salt, key, PASSPHRASE, 1), PASSPHRASE);
        byte[] payload = "188 bytes of MPEG-TS, or so".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Buffer packet = dataPacket(123_456, 1, encrypt(key, salt, 123_456, payload));
        Buffer clear = crypto.decrypt(packet, SrtPacket.encryptionFlags(packet));
        assertThat(clear.getBytes(SrtPacket.HEADER, clear.length())).isEqualTo(payload);
        assertThat(SrtPacket.encryptionFlags(clear)).as("flags cleared").isZero();
        assertThat(crypto.decrypt(dataPacket(1, 2, payload), 2)).as("the odd key is not known yet").isNull();
    }

    @Test
    void aWrongPassphraseAndMalformedMaterialAreToldApart() throws Exception {
        byte[] message = keyMaterial(randomBytes(16), randomBytes(32), "another passphrase", 1);
        assertThatThrownBy(() -> SrtCrypto.fromKeyMaterial(message, PASSPHRASE))
                .isInstanceOfSatisfying(SrtCrypto.KeyMaterialException.class, e -> assertThat(e.wrongPassphrase()).isTrue());
        byte[] badCipher = message.clone();
        badCipher[8] = 4; // AES-GCM: not what we take
        byte[] cut = Arrays.copyOf(message, message.length - 4);
        for (byte[] malformed : new byte[][] {badCipher, cut, new byte[16], new byte[SrtCrypto.MAX_KM_BYTES + 4]}) {
            assertThatThrownBy(() -> SrtCrypto.fromKeyMaterial(malformed, PASSPHRASE))
                    .isInstanceOfSatisfying(SrtCrypto.KeyMaterialException.class, e -> assertThat(e.wrongPassphrase()).isFalse());
        }
    }

    /** A KM message as libsrt writes it: header, 16-byte salt, the key wrapped under PBKDF2(passphrase). */
    private static byte[] keyMaterial(byte[] salt, byte[] key, String passphrase, int keyFlags) throws Exception {
        return SrtCaller.keyMaterial(keyFlags, salt, SrtCaller.keyEncryptingKey(passphrase, salt, key.length), key.length, key);
    }

    private static byte[] encrypt(byte[] key, byte[] salt, int sequence, byte[] payload) throws Exception {
        return SrtCaller.encrypt(key, salt, sequence, payload);
    }

    private static Buffer dataPacket(int sequence, int keyFlags, byte[] payload) {
        return Buffer.buffer().appendInt(sequence).appendInt(0xC0000001 | (keyFlags << 27)).appendInt(0).appendInt(77)
                .appendBytes(payload);
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
