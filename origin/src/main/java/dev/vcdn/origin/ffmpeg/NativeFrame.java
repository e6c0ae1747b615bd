package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import org.bytedeco.ffmpeg.avutil.AVFrame;

/** An {@code AVFrame} owned by one thread (reused, or for one call); freed once by {@link #close()}. */
public final class NativeFrame implements AutoCloseable {

    private final AVFrame frame = Ffmpeg.allocated(av_frame_alloc(), "av_frame_alloc");
    private boolean closed;

    public AVFrame get() {
        if (closed) {
            throw new IllegalStateException("frame already freed");
        }
        return frame;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            av_frame_free(frame);
        }
    }
}
