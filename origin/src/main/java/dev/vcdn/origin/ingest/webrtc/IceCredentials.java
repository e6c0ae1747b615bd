package dev.vcdn.origin.ingest.webrtc;

import java.security.SecureRandom;

/** Our side's ICE username fragment and password for one session (RFC 8839: 4+ and 22+ ice-chars). */
public record IceCredentials(String ufrag, String password) {

    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    static IceCredentials random(SecureRandom random) {
        return new IceCredentials(randomString(random, 8), randomString(random, 32));
    }

    private static String randomString(SecureRandom random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
        }
        return out.toString();
    }
}
