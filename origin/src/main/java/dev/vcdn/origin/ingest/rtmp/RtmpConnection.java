package dev.vcdn.origin.ingest.rtmp;

import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.origin.auth.PublishRequest;
import dev.vcdn.origin.ingest.IngestGate;
import dev.vcdn.origin.ingest.LiveStream;
import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP publisher: the socket shim around its {@link RtmpSession}. It feeds the session what
 * the socket reads, writes what the session answers, asks the {@link IngestGate} when the
 * session asks to publish, hands media to the stream's pipeline (pausing the socket while the
 * pipeline is full or the publisher runs ahead of real time), and owns the timers. Everything
 * runs on the socket's event loop.
 */
final class RtmpConnection implements RtmpSession.Listener {

    private static final Logger log = LoggerFactory.getLogger(RtmpConnection.class);

    /** Media may run ahead of the wall clock by this much before reading is paused (a publisher without -re). */
    static final long MAX_LEAD_MILLIS = 3000;
    /** A lead or lag larger than this is a timestamp jump, not a fast publisher. */
    static final long TIMESTAMP_JUMP_MILLIS = 10_000;

    private enum PauseReason { PIPELINE_FULL, AHEAD_OF_REAL_TIME, AUTHORIZING }

    private final Vertx vertx;
    private final NetSocket socket;
    private final RtmpSettings settings;
    private final IngestGate gate;
    private final String protocol;
    private final String remoteAddress;
    private final Runnable onClose;
    private final RtmpSession session;
    private final RealTimePace videoPace = new RealTimePace(MAX_LEAD_MILLIS, TIMESTAMP_JUMP_MILLIS, System::nanoTime);
    private final RealTimePace audioPace = new RealTimePace(MAX_LEAD_MILLIS, TIMESTAMP_JUMP_MILLIS, System::nanoTime);
    private final ArrayDeque<MediaPacket> backlog = new ArrayDeque<>();
    private final EnumSet<PauseReason> pausedFor = EnumSet.noneOf(PauseReason.class);

    private LiveStream live;
    private long lastActivity;
    private long handshakeTimer;
    private long idleTimer;
    private long paceTimer = -1;
    private boolean closing;
    private boolean released;

    RtmpConnection(Vertx vertx, NetSocket socket, RtmpSettings settings, IngestGate gate, String protocol,
                   Runnable onClose) {
        this.vertx = vertx;
        this.socket = socket;
        this.settings = settings;
        this.gate = gate;
        this.protocol = protocol;
        this.remoteAddress = socket.remoteAddress().hostAddress();
        this.onClose = onClose;
        this.session = new RtmpSession(settings.limits(), this);
    }

    void start() {
        lastActivity = System.nanoTime();
        socket.handler(this::onData);
        // The end handler runs once every byte the peer sent has been handed to onData, also when
        // reading was paused; the close handler can run before that, while data still waits.
        socket.endHandler(ignored -> onClosed());
        socket.closeHandler(ignored -> {
            if (pausedFor.isEmpty() || closing) {
                onClosed();
            }
        });
        socket.exceptionHandler(error -> close("socket error: " + error.getMessage()));
        handshakeTimer = vertx.setTimer(settings.handshakeTimeout().toMillis(),
                id -> close("no publish within " + settings.handshakeTimeout().toSeconds() + " s of connecting"));
        long idleCheck = Math.max(250, settings.idleTimeout().toMillis() / 4);
        idleTimer = vertx.setPeriodic(idleCheck, id -> {
            if (System.nanoTime() - lastActivity > settings.idleTimeout().toNanos()) {
                close(live == null ? "idle" : "no media for " + settings.idleTimeout().toSeconds() + " s");
            }
        });
    }

    private void onData(Buffer data) {
        if (closing) {
            return;
        }
        if (live == null) {
            lastActivity = System.nanoTime();
        }
        try {
            session.receive(data.getBytes());
        } catch (RtmpProtocolException e) {
            close("protocol error: " + e.getMessage());
        } catch (UnsupportedMediaException e) {
            session.refuseMedia(e.getMessage());
            closeAfterFlush("media refused: " + e.getMessage());
        } catch (RuntimeException e) {
            // A defect of ours, not the publisher's: the session took nothing more, so neither may the socket.
            log.error("rtmp session failed: remote={}", remoteAddress, e);
            close("internal error: " + e);
        }
    }

    @Override
    public void write(byte[] bytes) {
        if (!released) {
            socket.write(Buffer.buffer(bytes));
        }
    }

    @Override
    public void publishRequested(String app, String streamKey) {
        vertx.cancelTimer(handshakeTimer);
        pause(PauseReason.AUTHORIZING);
        gate.open(PublishRequest.fromTypedKey(protocol, app, streamKey, remoteAddress)).onComplete(result -> {
            if (closing) {
                if (result.succeeded()) {
                    result.result().end("publisher left during authorization");
                }
                return;
            }
            if (result.failed()) {
                refusePublish(result.cause());
                return;
            }
            live = result.result();
            live.whenEndedByOrigin(reason -> close("ended by the origin: " + reason));
            lastActivity = System.nanoTime();
            try {
                session.accept(live.grant().channel() + " is now live");
            } catch (RtmpProtocolException e) {
                close("protocol error: " + e.getMessage());
                return;
            } catch (UnsupportedMediaException e) {
                session.refuseMedia(e.getMessage());
                closeAfterFlush("media refused: " + e.getMessage());
                return;
            } catch (RuntimeException e) {
                log.error("rtmp session failed: remote={}", remoteAddress, e);
                close("internal error: " + e);
                return;
            }
            resume(PauseReason.AUTHORIZING);
        });
    }

    private void refusePublish(Throwable cause) {
        String code = cause instanceof PublishRefusedException refusal
                && (refusal.reason() == PublishRefusedException.Reason.BAD_KEY
                || refusal.reason() == PublishRefusedException.Reason.ALREADY_LIVE)
                ? "NetStream.Publish.BadName" : "NetStream.Publish.Failed";
        String description = cause instanceof PublishRefusedException refusal
                ? switch (refusal.reason()) {
                    case BAD_KEY -> "unknown stream key";
                    case ALREADY_LIVE -> "this channel is already live";
                    case RATE_LIMITED -> "too many wrong stream keys; try again later";
                    case AUTH_UNAVAILABLE -> "the stream key cannot be checked now; try again later";
                }
                : "publish failed";
        session.refuse(code, description);
        closeAfterFlush("publish refused: " + description);
    }

    @Override
    public void describedSource(SourceInfo source) {
        live.describeSource(source);
    }

    @Override
    public void unpublished() {
        live.end("unpublished");
    }

    @Override
    public void media(MediaPacket packet) {
        lastActivity = System.nanoTime();
        long pause = (packet.kind() == MediaKind.VIDEO ? videoPace : audioPace).pauseFor(packet.dts());
        if (pause > 0 && !pausedFor.contains(PauseReason.AHEAD_OF_REAL_TIME)) {
            pause(PauseReason.AHEAD_OF_REAL_TIME);
            paceTimer = vertx.setTimer(pause, id -> {
                paceTimer = -1;
                lastActivity = System.nanoTime();
                resume(PauseReason.AHEAD_OF_REAL_TIME);
            });
        }
        if (!backlog.isEmpty() || !live.sink().offer(packet)) {
            backlog.add(packet);
            if (!pausedFor.contains(PauseReason.PIPELINE_FULL)) {
                pause(PauseReason.PIPELINE_FULL);
                live.sink().whenWritable(this::drainBacklog);
            }
        }
    }

    private void drainBacklog() {
        if (closing || live == null) {
            return;
        }
        lastActivity = System.nanoTime();
        while (!backlog.isEmpty()) {
            if (!live.sink().offer(backlog.peek())) {
                live.sink().whenWritable(this::drainBacklog);
                return;
            }
            backlog.poll();
        }
        resume(PauseReason.PIPELINE_FULL);
    }

    private void pause(PauseReason reason) {
        if (pausedFor.isEmpty()) {
            socket.pause();
        }
        pausedFor.add(reason);
    }

    private void resume(PauseReason reason) {
        if (pausedFor.remove(reason) && pausedFor.isEmpty() && !released) {
            socket.resume();
        }
    }

    private void closeAfterFlush(String reason) {
        if (closing) {
            return;
        }
        logClose(reason);
        closing = true;
        socket.end();
    }

    void close(String reason) {
        if (closing) {
            return;
        }
        logClose(reason);
        closing = true;
        socket.close();
        onClosed();
    }

    private void logClose(String reason) {
        if (live != null) {
            log.info("rtmp connection closed: channel={} stream={} remote={} reason={}", live.grant().channel(),
                    live.grant().streamId(), remoteAddress, reason);
        } else {
            log.info("rtmp connection closed: remote={} reason={}", remoteAddress, reason);
        }
    }

    /** Lets go of everything, once: timers, the session's buffers, the stream. */
    private void onClosed() {
        if (released) {
            return;
        }
        released = true;
        closing = true;
        vertx.cancelTimer(handshakeTimer);
        vertx.cancelTimer(idleTimer);
        if (paceTimer >= 0) {
            vertx.cancelTimer(paceTimer);
        }
        backlog.clear();
        session.close();
        if (live != null) {
            live.end("publisher disconnected");
        }
        onClose.run();
    }
}
