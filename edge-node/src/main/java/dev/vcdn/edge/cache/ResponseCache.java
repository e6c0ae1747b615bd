package dev.vcdn.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The edge's memory of playback responses by canonical URL, bounded by bytes: immutable objects
 * (init, parts, segments) live as long as they can be in a playlist, playlists as long as their
 * Cache-Control allows. Thread-safe; evicts the least useful entries when full.
 *
 * <p>Bodies kept in native memory are freed when their entry leaves, {@link #RELEASE_GRACE} later:
 * an answer taken from the cache an instant before it left is still sent (its send holds the body
 * before it writes, see {@link CachedResponse#holdBody()}), and one in the middle of being written
 * is freed when its write is done.
 */
public final class ResponseCache {

    /** Far longer than from taking an answer to holding it for its send (an event-loop hop). */
    public static final Duration RELEASE_GRACE = Duration.ofSeconds(2);

    /** An entry that left, by identity (a record would compare bodies byte by byte). */
    private static final class Left {
        final long atNanos;
        final CachedResponse response;

        Left(long atNanos, CachedResponse response) {
            this.atNanos = atNanos;
            this.response = response;
        }
    }

    private final Cache<String, CachedResponse> entries;
    private final boolean offHeap;
    private final Ticker ticker;
    private final AtomicLong nativeBytes = new AtomicLong();
    private final Queue<Left> left = new ConcurrentLinkedQueue<>();

    public ResponseCache(long maxBytes, Ticker ticker) {
        this(maxBytes, ticker, true);
    }

    /** @param offHeap keep bodies in native memory (the JVM's direct memory must hold {@code maxBytes}) */
    public ResponseCache(long maxBytes, Ticker ticker, boolean offHeap) {
        this.offHeap = offHeap;
        this.ticker = ticker;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, CachedResponse value) -> value.weight() + key.length())
                .expireAfter(Expiry.creating((String key, CachedResponse value) -> value.timeToLive()))
                .executor(Runnable::run)
                .ticker(ticker)
                .removalListener((String key, CachedResponse value, RemovalCause cause) -> {
                    if (value != null && value.nativeBody().isPresent()) {
                        left.add(new Left(ticker.read(), value));
                    }
                })
                .build();
    }

    public Optional<CachedResponse> get(String key) {
        return Optional.ofNullable(entries.getIfPresent(key));
    }

    /** Keeps {@code response} if it may be kept; returns what to send (the kept copy when kept). */
    public CachedResponse put(String key, CachedResponse response) {
        if (!response.cacheable()) {
            return response;
        }
        CachedResponse kept = offHeap ? response.offHeap(nativeBytes) : response;
        boolean keptBefore = kept == response && response.nativeBody().isPresent();
        if (keptBefore && !response.holdBody()) {
            return response; // kept before, and freed since: nothing to keep
        }
        CachedResponse replaced = entries.asMap().put(key, kept);
        if (keptBefore && replaced == kept) {
            kept.releaseBody(); // the same entry again: Caffeine tells no removal, so one hold is enough
        }
        releaseLeft();
        return kept;
    }

    /** Lets go of the bodies of entries that left the cache more than the grace ago. */
    private void releaseLeft() {
        long due = ticker.read() - RELEASE_GRACE.toNanos();
        Left oldest;
        while ((oldest = left.peek()) != null && oldest.atNanos - due <= 0) {
            if (left.remove(oldest)) {
                oldest.response.releaseBody();
            }
        }
    }

    /** Native bytes of bodies not freed yet: those kept, those that left within the grace, those still being sent. */
    public long nativeBytes() {
        return nativeBytes.get();
    }

    /** Bytes held now (bodies plus the per-entry allowance). */
    public long weightedSize() {
        return entries.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }

    public long size() {
        return entries.estimatedSize();
    }

    /** Runs pending evictions and expiries now, so that {@link #weightedSize()} is exact. */
    public void cleanUp() {
        entries.cleanUp();
        releaseLeft();
    }
}
