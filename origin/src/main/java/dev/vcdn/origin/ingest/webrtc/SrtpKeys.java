package dev.vcdn.origin.ingest.webrtc;

import java.util.Arrays;

/**
 * The SRTP master keys both sides derive from the DTLS handshake (RFC 5764 section 4.2): the
 * exporter "EXTRACTOR-dtls_srtp" gives client key, server key, client salt, server salt, in that
 * order. The DTLS client (the publisher) protects what it sends with the client's pair.
 */
public record SrtpKeys(byte[] clientKey, byte[] clientSalt, byte[] serverKey, byte[] serverSalt) {

    static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";
    /** SRTP_AES128_CM_HMAC_SHA1_80: 16-byte keys, 14-byte salts. */
    static final int KEY_LENGTH = 16;
    static final int SALT_LENGTH = 14;
    static final int EXPORTED_LENGTH = 2 * (KEY_LENGTH + SALT_LENGTH);

    static SrtpKeys fromExported(byte[] material) {
        if (material.length != EXPORTED_LENGTH) {
            throw new IllegalArgumentException("expected " + EXPORTED_LENGTH + " bytes of keying material");
        }
        int salts = 2 * KEY_LENGTH;
        return new SrtpKeys(Arrays.copyOfRange(material, 0, KEY_LENGTH),
                Arrays.copyOfRange(material, salts, salts + SALT_LENGTH),
                Arrays.copyOfRange(material, KEY_LENGTH, salts),
                Arrays.copyOfRange(material, salts + SALT_LENGTH, EXPORTED_LENGTH));
    }
}
