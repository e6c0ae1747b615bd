package dev.vcdn.origin.ingest.rtmp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles RTMP messages from chunks (RTMP specification 1.0, section 5.3).
 *
 * <p>A chunk is consumed only when it is whole (header, extended timestamp and its piece of
 * payload); otherwise nothing is read and the caller feeds more bytes later. Every size read
 * from the wire is checked against {@link RtmpLimits} before it is used, and message buffers
 * grow with the bytes that actually arrive, never by the announced length. Set Chunk Size and
 * Abort change how the following chunks are read, so they are applied here and also passed on.
 *
 * <p>After a {@link RtmpProtocolException} the decoder is failed for good: close the connection.
 */
public final class ChunkDecoder {

    public static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int INITIAL_MESSAGE_CAPACITY = 16 * 1024;
    private static final long TIMESTAMP_MASK = 0xFFFFFFFFL;

    private final RtmpLimits limits;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private final long maxPendingBytes;
    private long pendingBytes;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private boolean failed;

    /** What one chunk stream remembers between chunks: the last header and the message being assembled. */
    private static final class ChunkStream {
        long timestamp;
        long timestampDelta;
        int length;
        int typeId;
        int messageStreamId;
        boolean extendedTimestamp;
        byte[] message;
        int received;
    }

    public ChunkDecoder(RtmpLimits limits) {
        this.limits = limits;
        // Audio and video messages interleave, so two large ones may be in flight at once.
        this.maxPendingBytes = 2L * limits.maxMediaMessageBytes();
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Reads every whole chunk of {@code in} and adds the messages they complete to {@code out}. */
    public void decode(ByteBuf in, List<RtmpMessage> out) {
        if (failed) {
            throw new IllegalStateException("the decoder failed before; the connection must be closed");
        }
        try {
            while (decodeChunk(in, out)) {
                // one chunk per turn
            }
        } catch (RtmpProtocolException e) {
            failed = true;
            throw e;
        }
    }

    private boolean decodeChunk(ByteBuf in, List<RtmpMessage> out) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (end - start < 1) {
            return false;
        }
        int first = in.getUnsignedByte(start);
        int format = first >>> 6;
        int chunkStreamId = first & 0x3F;
        int pos = start + 1;
        if (chunkStreamId == 0) {
            if (end - pos < 1) {
                return false;
            }
            chunkStreamId = 64 + in.getUnsignedByte(pos);
            pos += 1;
        } else if (chunkStreamId == 1) {
            if (end - pos < 2) {
                return false;
            }
            chunkStreamId = 64 + in.getUnsignedByte(pos) + 256 * in.getUnsignedByte(pos + 1);
            pos += 2;
        }
        int headerLength = switch (format) {
            case 0 -> 11;
            case 1 -> 7;
            case 2 -> 3;
            default -> 0;
        };
        if (end - pos < headerLength) {
            return false;
        }

        ChunkStream stream = streams.get(chunkStreamId);
        if (stream == null && format != 0) {
            throw new RtmpProtocolException("chunk stream " + chunkStreamId + " starts with a type " + format + " header");
        }
        if (stream == null && streams.size() >= limits.maxChunkStreams()) {
            throw new RtmpProtocolException("more than " + limits.maxChunkStreams() + " chunk streams");
        }
        boolean newMessage = stream == null || stream.message == null;
        if (!newMessage && format != 3) {
            throw new RtmpProtocolException("type " + format + " header on chunk stream " + chunkStreamId
                    + " in the middle of a message");
        }

        long timestampField = format <= 2 ? in.getUnsignedMedium(pos) : 0;
        int length = format <= 1 ? in.getUnsignedMedium(pos + 3) : stream.length;
        int typeId = format <= 1 ? in.getUnsignedByte(pos + 6) : stream.typeId;
        int messageStreamId = format == 0 ? in.getIntLE(pos + 7) : stream.messageStreamId;
        pos += headerLength;

        boolean extended = format <= 2 ? timestampField == 0xFFFFFF : stream.extendedTimestamp;
        if (extended) {
            if (end - pos < 4) {
                return false;
            }
            if (format <= 2) {
                timestampField = in.getUnsignedInt(pos);
            }
            pos += 4;
        }

        if (newMessage) {
            checkMessageLength(typeId, length, chunkStreamId);
        }
        int remaining = newMessage ? length : stream.length - stream.received;
        int piece = Math.min(chunkSize, remaining);
        if (end - pos < piece) {
            return false;
        }

        // The whole chunk is there: commit.
        if (stream == null) {
            stream = new ChunkStream();
            streams.put(chunkStreamId, stream);
        }
        if (newMessage) {
            startMessage(stream, format, timestampField, length, typeId, messageStreamId, extended);
        }
        append(stream, in, pos, piece);
        in.readerIndex(pos + piece);

        if (stream.received == stream.length) {
            RtmpMessage message = new RtmpMessage(chunkStreamId, stream.typeId, stream.timestamp, stream.messageStreamId,
                    stream.message);
            pendingBytes -= stream.length;
            stream.message = null;
            stream.received = 0;
            applyProtocolControl(message);
            out.add(message);
        }
        return true;
    }

    private void checkMessageLength(int typeId, int length, int chunkStreamId) {
        int limit = MessageType.isMedia(typeId) ? limits.maxMediaMessageBytes() : limits.maxCommandMessageBytes();
        if (length > limit) {
            throw new RtmpProtocolException("message of " + length + " bytes (type " + typeId + ") on chunk stream "
                    + chunkStreamId + ", limit " + limit);
        }
        if (pendingBytes + length > maxPendingBytes) {
            throw new RtmpProtocolException("more than " + maxPendingBytes + " bytes of unfinished messages");
        }
    }

    private static void startMessage(ChunkStream stream, int format, long timestampField, int length, int typeId,
                                     int messageStreamId, boolean extended) {
        switch (format) {
            case 0 -> {
                stream.timestamp = timestampField;
                stream.timestampDelta = 0;
            }
            case 1, 2 -> {
                stream.timestampDelta = timestampField;
                stream.timestamp = (stream.timestamp + timestampField) & TIMESTAMP_MASK;
            }
            default -> stream.timestamp = (stream.timestamp + stream.timestampDelta) & TIMESTAMP_MASK;
        }
        if (format <= 2) {
            stream.extendedTimestamp = extended;
        }
        stream.length = length;
        stream.typeId = typeId;
        stream.messageStreamId = messageStreamId;
        stream.message = new byte[Math.min(length, INITIAL_MESSAGE_CAPACITY)];
        stream.received = 0;
    }

    private void append(ChunkStream stream, ByteBuf in, int from, int piece) {
        int needed = stream.received + piece;
        if (needed > stream.message.length) {
            int grown = (int) Math.min(stream.length, Math.max(2L * stream.message.length, needed));
            stream.message = Arrays.copyOf(stream.message, grown);
        }
        in.getBytes(from, stream.message, stream.received, piece);
        stream.received = needed;
        pendingBytes += piece;
    }

    private void applyProtocolControl(RtmpMessage message) {
        if (message.typeId() == MessageType.SET_CHUNK_SIZE) {
            long value = readUnsigned32(message, "Set Chunk Size");
            if ((value & 0x80000000L) != 0) {
                throw new RtmpProtocolException("Set Chunk Size with the reserved top bit set: " + value);
            }
            if (value < 1 || value > limits.maxChunkSize()) {
                throw new RtmpProtocolException("Set Chunk Size " + value + " outside 1.." + limits.maxChunkSize());
            }
            chunkSize = (int) value;
        } else if (message.typeId() == MessageType.ABORT) {
            ChunkStream aborted = streams.get((int) readUnsigned32(message, "Abort"));
            if (aborted != null && aborted.message != null) {
                pendingBytes -= aborted.received;
                aborted.message = null;
                aborted.received = 0;
            }
        }
    }

    private static long readUnsigned32(RtmpMessage message, String what) {
        byte[] p = message.payload();
        if (p.length < 4) {
            throw new RtmpProtocolException(what + " message of " + p.length + " bytes");
        }
        return ((p[0] & 0xFFL) << 24) | ((p[1] & 0xFFL) << 16) | ((p[2] & 0xFFL) << 8) | (p[3] & 0xFFL);
    }

    /** Test hook: chunk streams this connection has opened. */
    int chunkStreamCount() {
        return streams.size();
    }
}
