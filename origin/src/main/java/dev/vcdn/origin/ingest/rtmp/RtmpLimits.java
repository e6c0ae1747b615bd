package dev.vcdn.origin.ingest.rtmp;

/**
 * What one RTMP connection may make the server hold.
 *
 * @param maxChunkSize          largest Set Chunk Size accepted; beyond it the connection closes
 * @param maxMediaMessageBytes  largest audio/video message (a 4K keyframe is a few MiB)
 * @param maxCommandMessageBytes largest command, metadata or control message
 * @param maxChunkStreams       chunk streams one connection may use
 */
public record RtmpLimits(int maxChunkSize, int maxMediaMessageBytes, int maxCommandMessageBytes, int maxChunkStreams) {

    public static final RtmpLimits DEFAULT = new RtmpLimits(1 << 20, 8 << 20, 64 << 10, 16);

    public RtmpLimits {
        if (maxChunkSize < 128 || maxChunkSize > 0xFFFFFF) {
            throw new IllegalArgumentException("maxChunkSize must be within 128..16777215");
        }
        if (maxMediaMessageBytes < 1024 || maxMediaMessageBytes > 0xFFFFFF) {
            throw new IllegalArgumentException("maxMediaMessageBytes must be within 1024..16777215");
        }
        if (maxCommandMessageBytes < 1024 || maxCommandMessageBytes > maxMediaMessageBytes) {
            throw new IllegalArgumentException("maxCommandMessageBytes must be within 1024..maxMediaMessageBytes");
        }
        if (maxChunkStreams < 2 || maxChunkStreams > 65_599) {
            throw new IllegalArgumentException("maxChunkStreams must be within 2..65599");
        }
    }
}
