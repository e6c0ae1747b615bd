package dev.vcdn.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.Optional;

/**
 * The edge's memory of playback responses by canonical URL, bounded by bytes: immutable objects
 * (init, parts, segments) live as long as they can be in a playlist, playlists as long as their
 * Cache-Control allows. Thread-safe; evicts the least useful entries when full.
 */
public final class ResponseCache {

    private final Cache<String, CachedResponse> entries;
    private final boolean offHeap;

    public ResponseCache(long maxBytes, Ticker ticker) {
        this(maxBytes, ticker, true);
    }

    /** @param offHeap keep bodies in native memory (the JVM's direct memory must hold {@code maxBytes}) */
    public ResponseCache(long maxBytes, Ticker ticker, boolean offHeap) {
        this.offHeap = offHeap;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, CachedResponse value) -> value.weight() + key.length())
                .expireAfter(Expiry.creating((String key, CachedResponse value) -> value.timeToLive()))
                .executor(Runnable::run)
                .ticker(ticker)
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
        CachedResponse kept = offHeap ? response.offHeap() : response;
        entries.put(key, kept);
        return kept;
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
    }
}
