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
 * The viewer connections of one event loop: which were admitted (a connection that was answered
 * a playlist keeps being answered, whatever its address does meanwhile), and which viewers do not
 * keep up. A connection whose output has stayed backed up in the edge (the socket not writable:
 * the viewer's TCP window and the kernel's buffer are full, and more than Netty's high-water mark
 * waits here) for longer than the deadline is closed: a viewer that needs that long for what was
 * sent can no longer play live, and it holds memory and a connection a bounded time. (A stuck
 * viewer with less waiting than that costs little, and the server's idle timeout closes it.)
 * Checked every second by {@link #sweep()}; per-loop state, no locks.
 */
final class ViewerConnections {

    private static final Logger log = LoggerFactory.getLogger(ViewerConnections.class);

    private static final class Watched {
        final Channel channel;
        /** Its client as {@link ViewerCount} counts it, worked out once. */
        final String client;
        /** Since when (nano clock) its output has been backed up; 0: it is not. */
        long backedUpSince;
        boolean admitted;

        Watched(Channel channel, String client) {
            this.channel = channel;
            this.client = client;
        }
    }

    private final Map<HttpConnection, Watched> open = new HashMap<>();
    private final long deadlineNanos;
    private final LongSupplier nanoTime;
    private final Runnable onCutOff;
    private boolean unwatchableLogged;
    private long cutOff;

    ViewerConnections(Duration deadline, LongSupplier nanoTime, Runnable onCutOff) {
        this.deadlineNanos = deadline.toNanos();
        this.nanoTime = nanoTime;
        this.onCutOff = onCutOff;
    }

    /** A new connection, watched until it closes. */
    void opened(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            if (!unwatchableLogged) {
                unwatchableLogged = true;
                log.warn("viewer connections of type {} expose no channel: slow viewers are not cut off",
                        connection.getClass().getName());
            }
            return;
        }
        open.put(connection, new Watched(base.channel(), ViewerCount.client(connection.remoteAddress().hostAddress())));
        connection.closeHandler(ignored -> open.remove(connection));
    }

    /** The connection's client as {@link ViewerCount} counts it. */
    String client(HttpConnection connection) {
        Watched watched = open.get(connection);
        return watched != null ? watched.client : ViewerCount.client(connection.remoteAddress().hostAddress());
    }

    boolean admitted(HttpConnection connection) {
        Watched watched = open.get(connection);
        return watched != null && watched.admitted;
    }

    void admit(HttpConnection connection) {
        Watched watched = open.get(connection);
        if (watched != null) {
            watched.admitted = true;
        }
    }

    void sweep() {
        long now = nanoTime.getAsLong();
        int closed = 0;
        Iterator<Watched> it = open.values().iterator();
        while (it.hasNext()) {
            Watched watched = it.next();
            if (watched.channel.isWritable()) {
                watched.backedUpSince = 0;
            } else if (watched.backedUpSince == 0) {
                watched.backedUpSince = now;
            } else if (now - watched.backedUpSince >= deadlineNanos) {
                it.remove();
                watched.channel.close();
                closed++;
                onCutOff.run();
            }
        }
        if (closed > 0) {
            cutOff += closed;
            log.info("cut off {} viewer(s) whose answers stayed backed up for {} ms ({} on this loop since start)", closed,
                    deadlineNanos / 1_000_000, cutOff);
        }
    }
}
