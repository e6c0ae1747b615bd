package dev.vcdn.origin.ingest.rtmp;

import io.netty.buffer.ByteBuf;

/** Writes messages as chunks: a type 0 header, then type 3 continuation chunks. */
public final class ChunkEncoder {

    private ChunkEncoder() {
    }

    public static void encode(RtmpMessage message, int chunkSize, ByteBuf out) {
        long timestamp = message.timestamp() & 0xFFFFFFFFL;
        boolean extended = timestamp >= 0xFFFFFF;
        byte[] payload = message.payload();

        writeBasicHeader(out, 0, message.chunkStreamId());
        out.writeMedium(extended ? 0xFFFFFF : (int) timestamp);
        out.writeMedium(payload.length);
        out.writeByte(message.typeId());
        out.writeIntLE(message.messageStreamId());
        if (extended) {
            out.writeInt((int) timestamp);
        }
        int written = 0;
        do {
            if (written > 0) {
                writeBasicHeader(out, 3, message.chunkStreamId());
                if (extended) {
                    out.writeInt((int) timestamp);
                }
            }
            int piece = Math.min(chunkSize, payload.length - written);
            out.writeBytes(payload, written, piece);
            written += piece;
        } while (written < payload.length);
    }

    private static void writeBasicHeader(ByteBuf out, int format, int chunkStreamId) {
        if (chunkStreamId < 2 || chunkStreamId > 65_599) {
            throw new IllegalArgumentException("chunk stream id " + chunkStreamId);
        }
        if (chunkStreamId < 64) {
            out.writeByte((format << 6) | chunkStreamId);
        } else if (chunkStreamId < 320) {
            out.writeByte(format << 6).writeByte(chunkStreamId - 64);
        } else {
            int id = chunkStreamId - 64;
            out.writeByte((format << 6) | 1).writeByte(id & 0xFF).writeByte(id >>> 8);
        }
    }
}
