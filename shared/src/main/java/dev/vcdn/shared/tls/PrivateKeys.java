package dev.vcdn.shared.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;

/**
 * Private keys as servers are handed them: PKCS#8 ({@code PRIVATE KEY}, what certbot writes), PKCS#1
 * RSA ({@code RSA PRIVATE KEY}) and SEC1 EC ({@code EC PRIVATE KEY}, what cert-manager writes by
 * default). The last two are wrapped into PKCS#8 with the algorithm they imply; a few bytes of DER,
 * read with a bounded reader, so no crypto library is needed.
 */
final class PrivateKeys {

    private static final byte SEQUENCE = 0x30;
    private static final byte INTEGER = 0x02;
    private static final byte OCTET_STRING = 0x04;
    private static final byte NULL = 0x05;
    private static final byte OID = 0x06;
    private static final byte EC_PARAMETERS = (byte) 0xA0;
    /** 1.2.840.113549.1.1.1 rsaEncryption. */
    private static final byte[] RSA_ENCRYPTION = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    /** 1.2.840.10045.2.1 id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    /** What TLS servers are given in practice; an RSA-PSS-only key is refused as unknown rather than half supported. */
    private static final List<String> PKCS8_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private PrivateKeys() {
    }

    /** The key of a PEM block, or an {@link IllegalArgumentException} saying what is wrong with it. */
    static PrivateKey decode(PemFile.Block block) {
        return switch (block.label()) {
            case "PRIVATE KEY" -> pkcs8(block.der());
            case "RSA PRIVATE KEY" -> pkcs8(wrap(sequence(tlv(OID, RSA_ENCRYPTION), tlv(NULL, new byte[0])), block.der()));
            case "EC PRIVATE KEY" -> pkcs8(wrap(sequence(tlv(OID, EC_PUBLIC_KEY), tlv(OID, curveOf(block.der()))), block.der()));
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
                    "the key is encrypted: the server cannot ask for its password (openssl pkcs8 -topk8 -nocrypt decrypts it)");
            default -> throw new IllegalArgumentException("no private key in it (found " + block.label() + ")");
        };
    }

    private static PrivateKey pkcs8(byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : PKCS8_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm; the next one
            }
        }
        throw new IllegalArgumentException("the private key is not RSA, EC or EdDSA, or it is damaged");
    }

    /** PrivateKeyInfo: version 0, the algorithm, the key in its own format. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return sequence(tlv(INTEGER, new byte[] {0}), algorithm, tlv(OCTET_STRING, key));
    }

    /** The named curve of a SEC1 ECPrivateKey: SEQUENCE { version, OCTET STRING, [0] OID, [1] public key }. */
    private static byte[] curveOf(byte[] sec1) {
        Der outer = new Der(sec1);
        Der key = new Der(outer.expect(SEQUENCE));
        key.expect(INTEGER);
        key.expect(OCTET_STRING);
        if (!key.hasMore() || key.peek() != EC_PARAMETERS) {
            throw new IllegalArgumentException("the EC key does not name its curve; write it as PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
        }
        return new Der(key.expect(EC_PARAMETERS)).expect(OID);
    }

    private static byte[] sequence(byte[]... contents) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] content : contents) {
            body.writeBytes(content);
        }
        return tlv(SEQUENCE, body.toByteArray());
    }

    private static byte[] tlv(byte tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** Reads definite-length DER elements one after the other, never past its bytes. */
    private static final class Der {
        private final byte[] bytes;
        private int position;

        Der(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean hasMore() {
            return position < bytes.length;
        }

        byte peek() {
            return bytes[position];
        }

        /** The contents of the next element, which must have {@code tag}. */
        byte[] expect(byte tag) {
            if (position + 2 > bytes.length || bytes[position] != tag) {
                throw new IllegalArgumentException("the EC key is not DER as SEC1 writes it");
            }
            position++;
            int length = bytes[position++] & 0xFF;
            if (length >= 0x80) {
                int count = length & 0x7F;
                if (count == 0 || count > 3 || position + count > bytes.length) {
                    throw new IllegalArgumentException("the EC key is not DER as SEC1 writes it");
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (bytes[position++] & 0xFF);
                }
            }
            if (length > bytes.length - position) {
                throw new IllegalArgumentException("the EC key is not DER as SEC1 writes it");
            }
            byte[] contents = Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return contents;
        }
    }
}
