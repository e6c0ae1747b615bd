package dev.vcdn.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Delays in 50 µs buckets up to 200 ms (one overflow bucket past it): percentiles to 0.05 ms
 * from a fixed few kilobytes, however many samples; recorded from any thread.
 */
final class DelayHistogram {

    private static final long BUCKET_MICROS = 50;
    private static final int BUCKETS = 4000;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);

    void record(long micros) {
        counts.incrementAndGet((int) Math.min(BUCKETS, Math.max(0, micros) / BUCKET_MICROS));
    }

    /** Adds another histogram's counts to this one. */
    void add(DelayHistogram other) {
        for (int i = 0; i <= BUCKETS; i++) {
            long n = other.counts.get(i);
            if (n != 0) {
                counts.addAndGet(i, n);
            }
        }
    }

    /** The counts so far, leaving this one empty. */
    DelayHistogram drain() {
        DelayHistogram copy = new DelayHistogram();
        for (int i = 0; i <= BUCKETS; i++) {
            copy.counts.set(i, counts.getAndSet(i, 0));
        }
        return copy;
    }

    long count() {
        long total = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The delay in milliseconds (a bucket's upper edge) under which {@code quantile} of the samples lie; NaN without any. */
    double percentileMillis(double quantile) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return (i + 1) * BUCKET_MICROS / 1000.0;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
