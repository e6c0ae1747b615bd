package dev.vcdn.origin.ingest.rtmp;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One reassembled RTMP message.
 *
 * @param chunkStreamId   chunk stream it came on (or goes out on)
 * @param typeId          message type, see {@link MessageType}
 * @param timestamp       32-bit RTMP timestamp in milliseconds (wraps after ~49.7 days)
 * @param messageStreamId 0 for connection control, else the stream created by createStream
 * @param payload         the body; owned by this message and never changed
 */
public record RtmpMessage(int chunkStreamId, int typeId, long timestamp, int messageStreamId, byte[] payload) {

    @Override
    public boolean equals(Object other) {
        return other instanceof RtmpMessage m && chunkStreamId == m.chunkStreamId && typeId == m.typeId
                && timestamp == m.timestamp && messageStreamId == m.messageStreamId && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload) * 31 + typeId;
    }

    @Override
    public String toString() {
        return "RtmpMessage[csid=" + chunkStreamId + ", type=" + typeId + ", ts=" + timestamp + ", msid=" + messageStreamId
                + ", " + payload.length + " bytes: " + HexFormat.of().formatHex(payload, 0, Math.min(16, payload.length)) + "]";
    }
}
