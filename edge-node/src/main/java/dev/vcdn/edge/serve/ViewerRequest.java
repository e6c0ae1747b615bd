package dev.vcdn.edge.serve;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * A request the edge's core loop answers for a connection of another loop, with what was read from
 * it there once (so that the core reads no headers or addresses of it), and what the connection's
 * loop tells the core without a hop: that the viewer went away. Everything that touches the
 * response runs on the connection's loop: an HTTP/2 stream written from another thread loses
 * writes now and then in Vert.x (a watch page or a held playlist never answered).
 */
final class ViewerRequest {

    private final RoutingContext ctx;
    private final Context connection;
    private final String client;
    private final boolean fromPeer;
    private final String token;
    private volatile boolean gone;
    /** Microseconds from the push's arrival to the answer of a request held for it; -1 for other answers. */
    private volatile long sinceArrivalMicros = -1;

    private ViewerRequest(RoutingContext ctx, Context connection, String client, boolean fromPeer, String token) {
        this.ctx = ctx;
        this.connection = connection;
        this.client = client;
        this.fromPeer = fromPeer;
        this.token = token;
    }

    /**
     * Made on the connection's loop. From then on a closed connection marks the request gone, and
     * the core drops what it holds for it at its next sweep.
     *
     * @param client   the client as {@link ViewerCount} counts it
     * @param fromPeer a region peer filling its cache, not a viewer
     * @param token    the playback token it was let in with (a private channel's), or null: a fill
     *                 upstream carries it where no edge credential is configured
     */
    static ViewerRequest on(RoutingContext ctx, String client, boolean fromPeer, String token) {
        ViewerRequest request = new ViewerRequest(ctx, Vertx.currentContext(), client, fromPeer, token);
        // An end handler rather than the response's one close-handler slot, which the router may take for itself.
        ctx.addEndHandler(ended -> request.gone |= ended.failed());
        request.gone |= ctx.response().closed();
        return request;
    }

    RoutingContext ctx() {
        return ctx;
    }

    String client() {
        return client;
    }

    boolean fromPeer() {
        return fromPeer;
    }

    /** The playback token the request was let in with, or null. */
    String token() {
        return token;
    }

    boolean gone() {
        return gone;
    }

    long sinceArrivalMicros() {
        return sinceArrivalMicros;
    }

    void answeredFromPush(long sinceArrivalMicros) {
        this.sinceArrivalMicros = sinceArrivalMicros;
    }

    /** Runs {@code action} on the connection's loop, in order with what was queued for it before. */
    void onConnection(Runnable action) {
        if (connection == Vertx.currentContext()) {
            action.run();
        } else {
            connection.runOnContext(ignored -> action.run());
        }
    }
}
