package dev.vcdn.origin.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Stream keys: 256 random bits shown once; only their SHA-256 is stored. */
final class StreamKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final String PREFIX = "sk_";

    private StreamKeys() {
    }

    static String generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Constant-time comparison of a stored hash with the hash of a presented key. */
    static boolean matches(byte[] storedHash, String presentedKey) {
        return MessageDigest.isEqual(storedHash, hash(presentedKey));
    }
}
