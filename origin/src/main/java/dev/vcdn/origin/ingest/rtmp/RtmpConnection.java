package dev.vcdn.origin.ingest.rtmp;

import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.origin.auth.PublishRequest;
import dev.vcdn.origin.ingest.IngestGate;
import dev.vcdn.origin.ingest.LiveStream;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfNumber;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfObject;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfString;
import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.shared.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP publisher: the socket shim around {@link Handshake}, {@link ChunkDecoder} and
 * {@link FlvMedia}, and the command dialogue (connect, createStream, publish...) that leads to a
 * {@link LiveStream}. Everything runs on the socket's event loop.
 */
final class RtmpConnection {

    private static final Logger log = LoggerFactory.getLogger(RtmpConnection.class);

    /** Chunk size we send with; large enough that replies are one chunk. */
    static final int OUT_CHUNK_SIZE = 4096;
    /** The acknowledgement window we announce, and assume for the peer until it announces its own. */
    static final long WINDOW_ACK_SIZE = 2_500_000;
    /** The one message stream a publisher gets from createStream. */
    static final int MEDIA_STREAM_ID = 1;
    /** Media may run ahead of the wall clock by this much before reading is paused (a publisher without -re). */
    static final long MAX_LEAD_MILLIS = 3000;
    /** Enhanced RTMP video we take, announced in the connect reply to clients that ask. */
    static final List<String> FOUR_CCS = List.of("avc1", "hvc1", "av01", "vp09");

    private enum Phase { HANDSHAKE, HANDSHAKE_C2, MESSAGES, CLOSED }

    private enum PauseReason { PIPELINE_FULL, AHEAD_OF_REAL_TIME, AUTHORIZING }

    private final Vertx vertx;
    private final NetSocket socket;
    private final RtmpSettings settings;
    private final IngestGate gate;
    private final String protocol;
    private final String remoteAddress;
    private final Runnable onClose;
    private final ByteBuf cumulation = Unpooled.buffer();
    private final ChunkDecoder decoder;
    private final TimestampUnwrapper videoClock = new TimestampUnwrapper();
    private final TimestampUnwrapper audioClock = new TimestampUnwrapper();
    private final ArrayDeque<MediaPacket> backlog = new ArrayDeque<>();
    private final EnumSet<PauseReason> pausedFor = EnumSet.noneOf(PauseReason.class);

    private Phase phase = Phase.HANDSHAKE;
    private String app = "";
    private boolean streamCreated;
    private boolean publishRequested;
    private LiveStream live;
    private long bytesReceived;
    private long bytesAcknowledged;
    private long peerWindow = WINDOW_ACK_SIZE;
    private long lastActivity;
    private long handshakeTimer;
    private long idleTimer;
    private long firstMediaMillis = -1;
    private long firstMediaWallNanos;
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
        this.decoder = new ChunkDecoder(settings.limits());
    }

    void start() {
        lastActivity = System.nanoTime();
        socket.handler(this::onData);
        // The end handler runs once every byte the peer sent has been handed to onData, also when
        // reading was paused; the close handler can run before that, while data still waits.
        socket.endHandler(ignored -> onClosed());
        socket.closeHandler(ignored -> {
            if (pausedFor.isEmpty() || phase == Phase.CLOSED) {
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
        if (phase == Phase.CLOSED) {
            return;
        }
        if (live == null) {
            lastActivity = System.nanoTime();
        }
        bytesReceived += data.length();
        cumulation.writeBytes(data.getBytes());
        try {
            switch (phase) {
                case HANDSHAKE -> readHandshake();
                case HANDSHAKE_C2 -> readC2();
                case MESSAGES -> readMessages();
                default -> {
                }
            }
            acknowledgeIfDue();
        } catch (RtmpProtocolException e) {
            close("protocol error: " + e.getMessage());
        } catch (UnsupportedMediaException e) {
            refuseMedia(e.getMessage());
        }
    }

    private void readHandshake() {
        if (cumulation.readableBytes() < 1 + Handshake.PACKET_SIZE) {
            if (cumulation.readableBytes() >= 1 && cumulation.getByte(cumulation.readerIndex()) != Handshake.RTMP_VERSION) {
                throw new RtmpProtocolException("not RTMP: first byte 0x"
                        + Integer.toHexString(cumulation.getUnsignedByte(cumulation.readerIndex())));
            }
            return;
        }
        byte[] c0c1 = new byte[1 + Handshake.PACKET_SIZE];
        cumulation.readBytes(c0c1);
        socket.write(Buffer.buffer(Handshake.respond(c0c1)));
        phase = Phase.HANDSHAKE_C2;
        readC2();
    }

    private void readC2() {
        if (cumulation.readableBytes() < Handshake.PACKET_SIZE) {
            return;
        }
        cumulation.skipBytes(Handshake.PACKET_SIZE);
        phase = Phase.MESSAGES;
        readMessages();
    }

    private void readMessages() {
        List<RtmpMessage> messages = new ArrayList<>();
        decoder.decode(cumulation, messages);
        cumulation.discardReadBytes();
        if (cumulation.readableBytes() > settings.limits().maxChunkSize() + 64L * 1024) {
            throw new RtmpProtocolException("incomplete chunk larger than the chunk size allows");
        }
        for (RtmpMessage message : messages) {
            if (phase == Phase.CLOSED) {
                return;
            }
            handle(message);
        }
    }

    private void handle(RtmpMessage message) {
        switch (message.typeId()) {
            case MessageType.USER_CONTROL -> onUserControl(message.payload());
            case MessageType.WINDOW_ACK_SIZE -> peerWindow = Math.max(4096, readInt(message.payload()));
            case MessageType.AMF0_COMMAND -> onCommand(Amf0.decodeAll(Unpooled.wrappedBuffer(message.payload())));
            case MessageType.AMF3_COMMAND -> onCommand(Amf0.decodeAll(amf3Envelope(message.payload())));
            case MessageType.AMF0_DATA -> onDataMessage(Amf0.decodeAll(Unpooled.wrappedBuffer(message.payload())));
            case MessageType.AMF3_DATA -> onDataMessage(Amf0.decodeAll(amf3Envelope(message.payload())));
            case MessageType.AUDIO, MessageType.VIDEO -> onMedia(message.typeId(), message.timestamp(), message.payload());
            case MessageType.AGGREGATE -> onAggregate(message);
            default -> log.debug("ignored message type {} from {}", message.typeId(), remoteAddress);
        }
    }

    /** AMF3 commands and data start with one format byte (0) and then carry AMF0 values. */
    private static ByteBuf amf3Envelope(byte[] payload) {
        if (payload.length == 0) {
            throw new RtmpProtocolException("empty AMF3 message");
        }
        return Unpooled.wrappedBuffer(payload, 1, payload.length - 1);
    }

    private void onUserControl(byte[] payload) {
        if (payload.length >= 6 && (((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)) == RtmpCommands.USER_CONTROL_PING_REQUEST) {
            send(RtmpCommands.userControl(RtmpCommands.USER_CONTROL_PING_RESPONSE, (int) readInt(payload, 2)));
        }
    }

    private void onCommand(List<AmfValue> values) {
        if (values.size() < 2 || !(values.get(0) instanceof AmfString name) || !(values.get(1) instanceof AmfNumber txn)) {
            throw new RtmpProtocolException("command without name and transaction id");
        }
        List<AmfValue> args = values.subList(2, values.size());
        switch (name.value()) {
            case "connect" -> onConnect(txn.value(), args);
            case "createStream" -> {
                streamCreated = true;
                send(RtmpCommands.command(0, "_result", txn.value(), AmfValue.AmfNull.INSTANCE, AmfValue.number(MEDIA_STREAM_ID)));
            }
            case "publish" -> onPublish(args);
            case "FCUnpublish", "deleteStream", "closeStream" -> onUnpublish();
            default -> {
                // releaseStream, FCPublish, _checkbw, getStreamLength...: a polite empty answer.
                if (txn.value() > 0) {
                    send(RtmpCommands.command(0, "_result", txn.value(), AmfValue.AmfNull.INSTANCE));
                }
            }
        }
    }

    private void onConnect(double txn, List<AmfValue> args) {
        Optional<AmfObject> properties = args.isEmpty() || !(args.get(0) instanceof AmfObject o) ? Optional.empty() : Optional.of(o);
        app = properties.flatMap(p -> p.string("app")).orElse("").replaceAll("\\?.*$", "").replaceAll("/+$", "");
        boolean asksFourCcs = properties.map(p -> p.properties().containsKey("fourCcList")).orElse(false);
        send(RtmpCommands.windowAckSize(WINDOW_ACK_SIZE));
        send(RtmpCommands.setPeerBandwidth(WINDOW_ACK_SIZE));
        send(RtmpCommands.setChunkSize(OUT_CHUNK_SIZE));
        send(RtmpCommands.connectResult(txn, asksFourCcs ? FOUR_CCS : List.of()));
    }

    private void onPublish(List<AmfValue> args) {
        if (!streamCreated || publishRequested) {
            throw new RtmpProtocolException(publishRequested ? "second publish on one connection" : "publish before createStream");
        }
        publishRequested = true;
        String name = args.size() >= 2 && args.get(1) instanceof AmfString s ? s.value() : "";
        String key = name.replaceAll("\\?.*$", "");
        vertx.cancelTimer(handshakeTimer);
        pause(PauseReason.AUTHORIZING);
        gate.open(new PublishRequest(protocol, app, key, remoteAddress)).onComplete(result -> {
            if (phase == Phase.CLOSED) {
                if (result.succeeded()) {
                    result.result().end("publisher left during authorization");
                }
                return;
            }
            if (result.succeeded()) {
                live = result.result();
                live.onPipelineFailure(reason -> close("pipeline failed: " + reason));
                lastActivity = System.nanoTime();
                send(RtmpCommands.userControl(RtmpCommands.USER_CONTROL_STREAM_BEGIN, MEDIA_STREAM_ID));
                send(RtmpCommands.onStatus(MEDIA_STREAM_ID, "status", "NetStream.Publish.Start",
                        live.grant().channel() + " is now live"));
                resume(PauseReason.AUTHORIZING);
            } else {
                refusePublish(result.cause());
            }
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
        send(RtmpCommands.onStatus(MEDIA_STREAM_ID, "error", code, description));
        closeAfterFlush("publish refused: " + description);
    }

    private void refuseMedia(String reason) {
        send(RtmpCommands.onStatus(MEDIA_STREAM_ID, "error", "NetStream.Failed", reason));
        closeAfterFlush("media refused: " + reason);
    }

    private void onUnpublish() {
        if (live != null) {
            send(RtmpCommands.onStatus(MEDIA_STREAM_ID, "status", "NetStream.Unpublish.Success", "stream ended"));
            live.end("unpublished");
        }
    }

    private void onDataMessage(List<AmfValue> values) {
        int at = !values.isEmpty() && values.get(0) instanceof AmfString s && s.value().equals("@setDataFrame") ? 1 : 0;
        if (live == null || values.size() < at + 2 || !(values.get(at) instanceof AmfString name)
                || !name.value().equals("onMetaData") || !(values.get(at + 1) instanceof AmfObject metadata)) {
            return;
        }
        live.describeSource(SourceInfo.said(
                codecName(metadata, "videocodecid", 7, "avc1"),
                metadata.number("width").orElse(0.0),
                metadata.number("height").orElse(0.0),
                metadata.number("framerate").orElse(0.0),
                codecName(metadata, "audiocodecid", 10, "mp4a")));
    }

    /** onMetaData names codecs by FLV id (7, 10) or by FourCC string (enhanced RTMP sends the FourCC as a number). */
    private static String codecName(AmfObject metadata, String key, int classicId, String classicName) {
        AmfValue value = metadata.properties().get(key);
        if (value instanceof AmfString s) {
            return s.value().length() <= 8 ? s.value() : "";
        }
        if (value instanceof AmfNumber n) {
            int id = (int) n.value();
            if (id == classicId) {
                return classicName;
            }
            if (id > 0xFFFFFF) {
                return new String(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id},
                        java.nio.charset.StandardCharsets.US_ASCII);
            }
            return Integer.toString(id);
        }
        return "";
    }

    private void onMedia(int typeId, long timestamp32, byte[] body) {
        if (live == null) {
            throw new RtmpProtocolException("media before publish");
        }
        long timestamp = (typeId == MessageType.VIDEO ? videoClock : audioClock).unwrap(timestamp32);
        Optional<MediaPacket> packet = FlvMedia.parse(typeId, timestamp, body);
        if (packet.isEmpty()) {
            return;
        }
        lastActivity = System.nanoTime();
        paceToRealTime(timestamp);
        if (!backlog.isEmpty() || !live.sink().offer(packet.get())) {
            backlog.add(packet.get());
            if (!pausedFor.contains(PauseReason.PIPELINE_FULL)) {
                pause(PauseReason.PIPELINE_FULL);
                live.sink().whenWritable(this::drainBacklog);
            }
        }
    }

    private void drainBacklog() {
        if (phase == Phase.CLOSED || live == null) {
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

    /** A publisher faster than real time (a file without -re) is slowed to it by not reading its socket. */
    private void paceToRealTime(long timestampMillis) {
        long now = System.nanoTime();
        if (firstMediaMillis < 0) {
            firstMediaMillis = timestampMillis;
            firstMediaWallNanos = now;
            return;
        }
        long lead = (timestampMillis - firstMediaMillis) - (now - firstMediaWallNanos) / 1_000_000;
        if (lead > MAX_LEAD_MILLIS && !pausedFor.contains(PauseReason.AHEAD_OF_REAL_TIME)) {
            pause(PauseReason.AHEAD_OF_REAL_TIME);
            vertx.setTimer(lead - MAX_LEAD_MILLIS / 2, id -> {
                lastActivity = System.nanoTime();
                resume(PauseReason.AHEAD_OF_REAL_TIME);
            });
        }
    }

    private void onAggregate(RtmpMessage message) {
        // An aggregate holds FLV tags: type(1) size(3) timestamp(3+1) stream id(3) body back-pointer(4).
        byte[] p = message.payload();
        int at = 0;
        long base = -1;
        while (at + 11 <= p.length) {
            int type = p[at] & 0xFF;
            int size = ((p[at + 1] & 0xFF) << 16) | ((p[at + 2] & 0xFF) << 8) | (p[at + 3] & 0xFF);
            long ts = (((p[at + 7] & 0xFFL) << 24) | ((p[at + 4] & 0xFFL) << 16) | ((p[at + 5] & 0xFFL) << 8) | (p[at + 6] & 0xFFL));
            if (at + 11 + size + 4 > p.length) {
                throw new RtmpProtocolException("aggregate message with a truncated tag");
            }
            base = base < 0 ? ts : base;
            byte[] body = Arrays.copyOfRange(p, at + 11, at + 11 + size);
            long timestamp = (message.timestamp() + ts - base) & 0xFFFFFFFFL;
            if (type == MessageType.AUDIO || type == MessageType.VIDEO) {
                onMedia(type, timestamp, body);
            }
            at += 11 + size + 4;
        }
    }

    private void acknowledgeIfDue() {
        if (phase == Phase.MESSAGES && bytesReceived - bytesAcknowledged >= peerWindow) {
            bytesAcknowledged = bytesReceived;
            send(RtmpCommands.acknowledgement(bytesReceived));
        }
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

    private void send(RtmpMessage message) {
        ByteBuf out = Unpooled.buffer(message.payload().length + 32);
        ChunkEncoder.encode(message, OUT_CHUNK_SIZE, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        socket.write(Buffer.buffer(bytes));
    }

    private void closeAfterFlush(String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        logClose(reason);
        phase = Phase.CLOSED;
        socket.end();
    }

    void close(String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        logClose(reason);
        phase = Phase.CLOSED;
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

    private void onClosed() {
        if (released) {
            return;
        }
        released = true;
        phase = Phase.CLOSED;
        vertx.cancelTimer(handshakeTimer);
        vertx.cancelTimer(idleTimer);
        backlog.clear();
        cumulation.release();
        if (live != null) {
            live.end("publisher disconnected");
        }
        onClose.run();
    }

    private static long readInt(byte[] payload) {
        return readInt(payload, 0);
    }

    private static long readInt(byte[] payload, int at) {
        if (payload.length < at + 4) {
            throw new RtmpProtocolException("control message of " + payload.length + " bytes");
        }
        return ((payload[at] & 0xFFL) << 24) | ((payload[at + 1] & 0xFFL) << 16) | ((payload[at + 2] & 0xFFL) << 8)
                | (payload[at + 3] & 0xFFL);
    }
}
