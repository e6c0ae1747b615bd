package dev.vcdn.edge.serve;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Viewers of this node, and who may become one. A viewer is a client address that loaded a
 * playlist recently (HLS has no session; a player reloads its playlist every part), so viewers
 * behind one address (a NAT) count once. With a limit, a new address is refused while the node is
 * full and an address already watching is always let in: past capacity new viewers go elsewhere
 * and the ones watching keep their service. Thread-safe: every viewer-facing event loop admits,
 * the core loop expires.
 */
public final class ViewerCount {

    /** Addresses remembered one by one; past this many, further new ones are only counted until the next expiry. */
    static final int MAX_TRACKED = 100_000;

    private final long windowNanos;
    private final int max;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final AtomicInteger overflow = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

    /**
     * @param window how long an address counts after its last playlist request
     * @param max    viewers admitted at most; 0 for no limit
     */
    public ViewerCount(Duration window, int max, LongSupplier nanoTime) {
        if (max < 0) {
            throw new IllegalArgumentException("negative viewer limit");
        }
        this.windowNanos = window.toNanos();
        this.max = max;
        this.nanoTime = nanoTime;
    }

    /** Whether {@code address} may load a playlist now; if so it counts as a viewer seen now. */
    public boolean admit(String address) {
        long now = nanoTime.getAsLong();
        if (lastSeen.replace(address, now) != null) {
            return true;
        }
        if (full()) {
            refused.increment();
            return false;
        }
        if (lastSeen.size() >= MAX_TRACKED) {
            overflow.incrementAndGet();
        } else {
            lastSeen.put(address, now);
        }
        return true;
    }

    /** Whether a new viewer would be refused now. */
    public boolean full() {
        return max > 0 && count() >= max;
    }

    /** Forgets viewers not seen within the window; call periodically. */
    public void expire() {
        long now = nanoTime.getAsLong();
        lastSeen.values().removeIf(seen -> now - seen > windowNanos);
        overflow.set(0);
    }

    public int count() {
        return lastSeen.size() + overflow.get();
    }

    /** New viewers refused since the start. */
    public long refused() {
        return refused.sum();
    }
}
