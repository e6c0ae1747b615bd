package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;

import org.bytedeco.ffmpeg.avcodec.AVPacket;

/** An {@code AVPacket} reused by one thread for every send or receive of a codec; freed once by {@link #close()}. */
public final class NativePacket implements AutoCloseable {

    private final AVPacket packet = Ffmpeg.allocated(av_packet_alloc(), "av_packet_alloc");
    private boolean closed;

    public AVPacket get() {
        if (closed) {
            throw new IllegalStateException("packet already freed");
        }
        return packet;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            av_packet_free(packet);
        }
    }
}
