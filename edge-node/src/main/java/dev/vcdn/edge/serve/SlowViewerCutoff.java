package dev.vcdn.edge.serve;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off viewers that do not take their answers. A connection whose output has stayed backed up
 * in the edge (the socket not writable: the viewer's TCP window and the kernel's buffer are full,
 * and more waits here) for longer than the deadline is closed, so a stuck or far too slow reader
 * holds memory and a connection for a bounded time, never while a fast viewer waits. Checked
 * every second by {@link #sweep()}, on the event loop the connections belong to; per-loop state, no
 * locks.
 */
final class SlowViewerCutoff {

    private static final Logger log = LoggerFactory.getLogger(SlowViewerCutoff.class);

    /** Open connections of this loop, and since when (nano clock) each has been backed up; 0: it is not. */
    private final Map<Channel, Long> backedUpSince = new HashMap<>();
    private final long deadlineNanos;
    private final LongSupplier nanoTime;
    private final Runnable onCutOff;
    private long cutOff;

    SlowViewerCutoff(Duration deadline, LongSupplier nanoTime, Runnable onCutOff) {
        this.deadlineNanos = deadline.toNanos();
        this.nanoTime = nanoTime;
        this.onCutOff = onCutOff;
    }

    /** Watches a new connection until it closes; one that does not expose its channel is left alone. */
    void watch(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        Channel channel = base.channel();
        backedUpSince.put(channel, 0L);
        connection.closeHandler(ignored -> backedUpSince.remove(channel));
    }

    void sweep() {
        long now = nanoTime.getAsLong();
        int closed = 0;
        Iterator<Map.Entry<Channel, Long>> it = backedUpSince.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Channel, Long> entry = it.next();
            Channel channel = entry.getKey();
            if (channel.isWritable()) {
                entry.setValue(0L);
            } else if (entry.getValue() == 0L) {
                entry.setValue(now);
            } else if (now - entry.getValue() >= deadlineNanos) {
                it.remove();
                channel.close();
                closed++;
                onCutOff.run();
            }
        }
        if (closed > 0) {
            cutOff += closed;
            log.info("cut off {} viewer(s) that took no answer for {} ms ({} since start on this loop)", closed,
                    deadlineNanos / 1_000_000, cutOff);
        }
    }

    int watched() {
        return backedUpSince.size();
    }
}
