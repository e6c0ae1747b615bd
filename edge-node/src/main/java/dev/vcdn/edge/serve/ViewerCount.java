package dev.vcdn.edge.serve;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Viewers of this node, and who may become one. A viewer is a client that was answered a
 * playlist recently (HLS has no session; a player reloads its playlist every part): an IPv4
 * address, or an IPv6 /64 (one household or phone, whatever its privacy addresses), so viewers
 * behind one NAT count once. Only an answered playlist counts: requests for channels that do not
 * exist cannot fill the node. With a limit, a new client is refused while the node is full and one
 * already watching is always let in: past capacity new viewers go elsewhere and the ones watching
 * keep their service. Thread-safe: every viewer-facing event loop admits and counts, the core loop
 * expires. Loops admitting at the same moment may take the count a few past the limit.
 */
public final class ViewerCount {

    /** Clients remembered one by one; also the highest limit that can be set. */
    public static final int MAX_TRACKED = 100_000;
    /** Where {@link #full()} starts for geo-config: a little before the limit, so that new viewers go elsewhere early. */
    static final double NEARLY_FULL = 0.95;
    /** A client's stamp this recent is not written again: counting is to the second, not the nanosecond. */
    private static final long FRESH_NANOS = 1_000_000_000L;

    private final long windowNanos;
    private final int max;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final AtomicInteger overflow = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

    /**
     * @param window how long a client counts after its last answered playlist
     * @param max    viewers admitted at most, up to {@link #MAX_TRACKED}; 0 for no limit
     */
    public ViewerCount(Duration window, int max, LongSupplier nanoTime) {
        if (max < 0 || max > MAX_TRACKED) {
            throw new IllegalArgumentException("viewer limit outside 0.." + MAX_TRACKED);
        }
        this.windowNanos = window.toNanos();
        this.max = max;
        this.nanoTime = nanoTime;
    }

    /**
     * Whether a playlist request from {@code client} (see {@link #client}) may be answered now: a client
     * watching always may, a new one while there is room.
     */
    public boolean admits(String client) {
        if (max == 0 || lastSeen.containsKey(client) || count() < max) {
            return true;
        }
        refused.increment();
        return false;
    }

    /**
     * {@code client} (see {@link #client}) was answered a playlist: it counts as a viewer for the window
     * from now, or from up to a second ago (a fresh stamp is not written again).
     */
    public void seen(String client) {
        long now = nanoTime.getAsLong();
        // A viewer is seen several times a second: a read, which takes no lock, is enough while its stamp is fresh.
        Long last = lastSeen.get(client);
        if (last != null && now - last < FRESH_NANOS) {
            return;
        }
        if (lastSeen.replace(client, now) == null) {
            if (lastSeen.size() >= MAX_TRACKED) {
                overflow.incrementAndGet();
            } else {
                lastSeen.put(client, now);
            }
        }
    }

    /** Whether geo-config should send new viewers elsewhere: the limit is all but reached. */
    public boolean full() {
        return max > 0 && count() >= max * NEARLY_FULL;
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

    /** Playlist requests refused because the node was full, since the start. */
    public long refused() {
        return refused.sum();
    }

    /**
     * The client an address counts as: an IPv4 address as it is (also when written IPv4-mapped), an
     * IPv6 address by its /64, the block one subscriber is given.
     */
    static String client(String address) {
        if (address.indexOf('.') >= 0) {
            return address.substring(address.lastIndexOf(':') + 1);
        }
        if (address.indexOf(':') < 0) {
            return address;
        }
        // Java writes IPv6 addresses in full, eight groups: the first four are the /64.
        int colons = 0;
        for (int i = 0; i < address.length(); i++) {
            if (address.charAt(i) == ':' && ++colons == 4) {
                return address.substring(0, i);
            }
        }
        return address;
    }
}
