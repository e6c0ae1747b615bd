package dev.vcdn.edge.serve;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Viewers of this node: distinct client addresses that asked for a media playlist recently (HLS
 * has no session; a player reloads its playlist every part). Bounded: past the limit new
 * addresses are counted in a separate overflow until old ones expire. Event-loop owned.
 */
public final class ViewerCount {

    static final int MAX_TRACKED = 100_000;

    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Long> lastSeen = new HashMap<>();
    private int overflow;

    public ViewerCount(java.time.Duration window, LongSupplier nanoTime) {
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
    }

    public void seen(String address) {
        if (lastSeen.size() >= MAX_TRACKED && !lastSeen.containsKey(address)) {
            overflow++;
            return;
        }
        lastSeen.put(address, nanoTime.getAsLong());
    }

    /** Forgets viewers not seen within the window; call periodically. */
    public void expire() {
        long now = nanoTime.getAsLong();
        lastSeen.values().removeIf(seen -> now - seen > windowNanos);
        overflow = 0;
    }

    public int count() {
        return lastSeen.size() + overflow;
    }
}
