package dev.vcdn.geo.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Response-rate limiting per source prefix (/24 IPv4, /56 IPv6) against reflection: each prefix
 * has a bucket of {@code perSecond} answers refilled continuously. Over the limit a query gets no
 * answer, except every second one, which gets a bare truncated answer ("slip") so that a real
 * resolver retries over TCP, where spoofing is impossible. Event-loop owned.
 */
public final class ResponseRateLimiter {

    public enum Verdict {
        ANSWER,
        SLIP,
        DROP
    }

    /** Prefixes tracked at most; past it the table starts afresh (a flood of spoofed sources). */
    static final int MAX_PREFIXES = 100_000;

    private static final class Bucket {
        double tokens;
        long updatedNanos;
        long refused;
    }

    private final double perSecond;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new HashMap<>();

    public ResponseRateLimiter(int perSecond, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.nanoTime = nanoTime;
    }

    public Verdict check(InetAddress source) {
        if (buckets.size() >= MAX_PREFIXES) {
            buckets.clear();
        }
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(prefix(source), p -> {
            Bucket fresh = new Bucket();
            fresh.tokens = perSecond;
            fresh.updatedNanos = now;
            return fresh;
        });
        bucket.tokens = Math.min(perSecond, bucket.tokens + (now - bucket.updatedNanos) * perSecond / 1e9);
        bucket.updatedNanos = now;
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return Verdict.ANSWER;
        }
        return bucket.refused++ % 2 == 0 ? Verdict.DROP : Verdict.SLIP;
    }

    static String prefix(InetAddress address) {
        byte[] bytes = address.getAddress();
        int keep = address instanceof Inet4Address ? 3 : 7;
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < keep; i++) {
            key.append(bytes[i] & 0xff).append('.');
        }
        return key.toString();
    }
}
