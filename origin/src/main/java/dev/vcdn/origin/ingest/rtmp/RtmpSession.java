package dev.vcdn.origin.ingest.rtmp;

import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfNumber;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfObject;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfString;
import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.shared.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The RTMP dialogue of one publisher as a state machine over the bytes it sends: handshake,
 * chunk stream ({@link ChunkDecoder}), acknowledgements, the commands that lead to a publish
 * (connect, createStream, publish), metadata and media ({@link FlvMedia}). No socket, no timers,
 * no clock: what it decides goes to its {@link Listener}, and the connection around it does the
 * rest. A protocol violation is an {@link RtmpProtocolException}, media we do not take an
 * {@link UnsupportedMediaException}; after either the session takes nothing more.
 */
final class RtmpSession {

    /** Chunk size we send with; large enough that replies are one chunk. */
    static final int OUT_CHUNK_SIZE = 4096;
    /** The acknowledgement window we announce, and assume for the peer until it announces its own. */
    static final long WINDOW_ACK_SIZE = 2_500_000;
    /** The one message stream a publisher gets from createStream. */
    static final int MEDIA_STREAM_ID = 1;
    /** Enhanced RTMP video we take, announced in the connect reply to clients that ask. */
    static final List<String> FOUR_CCS = List.of("avc1", "hvc1", "av01", "vp09");
    /** Messages a publisher may send after its publish command while the key is being checked. */
    static final int MAX_MESSAGES_WHILE_AUTHORIZING = 1024;

    enum Phase { HANDSHAKE, HANDSHAKE_C2, MESSAGES, AUTHORIZING, PUBLISHING, CLOSED }

    /** What the session asks of its connection; called synchronously from the session's methods. */
    interface Listener {

        /** Bytes for the publisher. */
        void write(byte[] bytes);

        /** The publisher asked to publish with {@code streamKey}: answer with {@link #accept} or {@link #refuse}. */
        void publishRequested(String app, String streamKey);

        /** What the publisher said of its stream (onMetaData), each value checked. */
        void describedSource(SourceInfo source);

        /** A media packet of the published stream, its timestamp unwrapped past 32 bits. */
        void media(MediaPacket packet);

        /** The publisher ended its publish with a command (it may still stay connected). */
        void unpublished();
    }

    private final RtmpLimits limits;
    private final Listener listener;
    private final ByteBuf cumulation = Unpooled.buffer();
    private final ChunkDecoder decoder;
    private final TimestampUnwrapper videoClock = new TimestampUnwrapper();
    private final TimestampUnwrapper audioClock = new TimestampUnwrapper();
    /** Messages that came after the publish command while it is authorized, handled once it is. */
    private final ArrayDeque<RtmpMessage> held = new ArrayDeque<>();

    private Phase phase = Phase.HANDSHAKE;
    private String app = "";
    private boolean streamCreated;
    private long bytesReceived;
    private long bytesAcknowledged;
    private long peerWindow = WINDOW_ACK_SIZE;

    RtmpSession(RtmpLimits limits, Listener listener) {
        this.limits = limits;
        this.listener = listener;
        this.decoder = new ChunkDecoder(limits);
    }

    Phase phase() {
        return phase;
    }

    /** What the publisher sent next, in whatever pieces TCP delivers it. */
    void receive(byte[] data) {
        if (phase == Phase.CLOSED) {
            return;
        }
        bytesReceived += data.length;
        cumulation.writeBytes(data);
        try {
            switch (phase) {
                case HANDSHAKE -> readHandshake();
                case HANDSHAKE_C2 -> readC2();
                default -> readMessages();
            }
            acknowledgeIfDue();
        } catch (RuntimeException e) {
            close();
            throw e;
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
        listener.write(Handshake.respond(c0c1));
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
        if (cumulation.readableBytes() > limits.maxChunkSize() + 64L * 1024) {
            throw new RtmpProtocolException("incomplete chunk larger than the chunk size allows");
        }
        for (RtmpMessage message : messages) {
            if (phase == Phase.CLOSED) {
                return;
            }
            if (phase == Phase.AUTHORIZING) {
                if (held.size() >= MAX_MESSAGES_WHILE_AUTHORIZING) {
                    throw new RtmpProtocolException("more than " + MAX_MESSAGES_WHILE_AUTHORIZING
                            + " messages before the publish was answered");
                }
                held.add(message);
            } else {
                handle(message);
            }
        }
    }

    private void handle(RtmpMessage message) {
        switch (message.typeId()) {
            case MessageType.USER_CONTROL -> onUserControl(message.payload());
            case MessageType.WINDOW_ACK_SIZE -> peerWindow = Math.max(4096, readInt(message.payload(), 0));
            case MessageType.AMF0_COMMAND -> onCommand(Amf0.decodeAll(Unpooled.wrappedBuffer(message.payload())));
            case MessageType.AMF3_COMMAND -> onCommand(Amf0.decodeAll(amf3Envelope(message.payload())));
            case MessageType.AMF0_DATA -> onDataMessage(Amf0.decodeAll(Unpooled.wrappedBuffer(message.payload())));
            case MessageType.AMF3_DATA -> onDataMessage(Amf0.decodeAll(amf3Envelope(message.payload())));
            case MessageType.AUDIO, MessageType.VIDEO -> onMedia(message.typeId(), message.timestamp(), message.payload());
            case MessageType.AGGREGATE -> onAggregate(message);
            default -> {
                // Set Chunk Size and Abort are the chunk decoder's; bandwidth and the rest mean nothing to a server.
            }
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
        if (!streamCreated || phase != Phase.MESSAGES) {
            throw new RtmpProtocolException(phase != Phase.MESSAGES ? "second publish on one connection" : "publish before createStream");
        }
        String name = args.size() >= 2 && args.get(1) instanceof AmfString s ? s.value() : "";
        phase = Phase.AUTHORIZING;
        listener.publishRequested(app, name); // parameters after a '?' are read, and taken off, by the gate
    }

    /** The publish was accepted: the publisher is told, and what it sent meanwhile is handled now. */
    void accept(String description) {
        if (phase != Phase.AUTHORIZING) {
            return;
        }
        phase = Phase.PUBLISHING;
        send(RtmpCommands.userControl(RtmpCommands.USER_CONTROL_STREAM_BEGIN, MEDIA_STREAM_ID));
        send(RtmpCommands.onStatus(MEDIA_STREAM_ID, "status", "NetStream.Publish.Start", description));
        try {
            while (!held.isEmpty() && phase == Phase.PUBLISHING) {
                handle(held.poll());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The publish was refused ({@code code} as RTMP clients know it); the session takes nothing more. */
    void refuse(String code, String description) {
        send(RtmpCommands.onStatus(MEDIA_STREAM_ID, "error", code, description));
        close();
    }

    /** Media the server cannot take: the publisher is told why; the session takes nothing more. */
    void refuseMedia(String reason) {
        send(RtmpCommands.onStatus(MEDIA_STREAM_ID, "error", "NetStream.Failed", reason));
        close();
    }

    private void onUnpublish() {
        if (phase == Phase.PUBLISHING) {
            send(RtmpCommands.onStatus(MEDIA_STREAM_ID, "status", "NetStream.Unpublish.Success", "stream ended"));
            listener.unpublished();
        }
    }

    private void onDataMessage(List<AmfValue> values) {
        int at = !values.isEmpty() && values.get(0) instanceof AmfString s && s.value().equals("@setDataFrame") ? 1 : 0;
        if (phase != Phase.PUBLISHING || values.size() < at + 2 || !(values.get(at) instanceof AmfString name)
                || !name.value().equals("onMetaData") || !(values.get(at + 1) instanceof AmfObject metadata)) {
            return;
        }
        listener.describedSource(SourceInfo.said(
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
            return s.value();
        }
        if (value instanceof AmfNumber n) {
            long id = (long) n.value();
            if (id == classicId) {
                return classicName;
            }
            if (id > 0xFFFFFF && id <= 0xFFFFFFFFL) {
                return new String(new byte[] {(byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id},
                        StandardCharsets.US_ASCII);
            }
            return Long.toString(id);
        }
        return "";
    }

    private void onMedia(int typeId, long timestamp32, byte[] body) {
        if (phase != Phase.PUBLISHING) {
            throw new RtmpProtocolException("media before publish");
        }
        long timestamp = (typeId == MessageType.VIDEO ? videoClock : audioClock).unwrap(timestamp32);
        FlvMedia.parse(typeId, timestamp, body).ifPresent(listener::media);
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
            if (at + 11L + size + 4 > p.length) {
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
        if (phase != Phase.CLOSED && phase.compareTo(Phase.MESSAGES) >= 0 && bytesReceived - bytesAcknowledged >= peerWindow) {
            bytesAcknowledged = bytesReceived;
            send(RtmpCommands.acknowledgement(bytesReceived));
        }
    }

    private void send(RtmpMessage message) {
        ByteBuf out = Unpooled.buffer(message.payload().length + 32);
        ChunkEncoder.encode(message, OUT_CHUNK_SIZE, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        listener.write(bytes);
    }

    /** Takes nothing more and lets go of what it holds; idempotent. */
    void close() {
        if (phase != Phase.CLOSED) {
            phase = Phase.CLOSED;
            held.clear();
            cumulation.release();
        }
    }

    private static long readInt(byte[] payload, int at) {
        if (payload.length < at + 4) {
            throw new RtmpProtocolException("control message of " + payload.length + " bytes");
        }
        return ((payload[at] & 0xFFL) << 24) | ((payload[at + 1] & 0xFFL) << 16) | ((payload[at + 2] & 0xFFL) << 8)
                | (payload[at + 3] & 0xFFL);
    }
}
