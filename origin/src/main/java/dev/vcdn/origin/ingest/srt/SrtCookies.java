package dev.vcdn.origin.ingest.srt;

import io.vertx.core.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * SYN cookies: 32 bits of a keyed hash of the caller's address and port and the minute. A caller
 * that echoes one proves it receives at its address, so nothing is kept for a caller before that.
 * Valid for the minute it was made and the next.
 */
final class SrtCookies {

    private final byte[] secret = new byte[16];

    SrtCookies(SecureRandom random) {
        random.nextBytes(secret);
    }

    int current(SocketAddress caller) {
        return cookie(caller, minute());
    }

    boolean valid(SocketAddress caller, int cookie) {
        long minute = minute();
        return cookie == cookie(caller, minute) || cookie == cookie(caller, minute - 1);
    }

    private static long minute() {
        return System.currentTimeMillis() / 60_000;
    }

    private int cookie(SocketAddress caller, long minute) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(secret);
            digest.update(caller.toString().getBytes(StandardCharsets.UTF_8));
            digest.update(ByteBuffer.allocate(8).putLong(minute).array());
            return ByteBuffer.wrap(digest.digest()).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
