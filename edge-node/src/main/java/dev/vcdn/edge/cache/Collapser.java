package dev.vcdn.edge.cache;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns concurrent requests for one key into one fetch: the first caller starts it, later
 * callers wait on the same future (a callback each, no thread) until it completes. Owned by
 * one event loop.
 */
public final class Collapser<K, V> {

    private final Map<K, Future<V>> inFlight = new HashMap<>();
    private long collapsed;

    public Future<V> get(K key, Supplier<Future<V>> fetch) {
        Future<V> running = inFlight.get(key);
        if (running != null) {
            collapsed++;
            return running;
        }
        Future<V> started = fetch.get();
        if (started.isComplete()) {
            return started;
        }
        inFlight.put(key, started);
        started.onComplete(done -> inFlight.remove(key, started));
        return started;
    }

    /** Requests that waited on another's fetch, since the start. */
    public long collapsed() {
        return collapsed;
    }

    public int inFlight() {
        return inFlight.size();
    }
}
