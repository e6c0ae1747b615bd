package dev.vcdn.origin.transcode.tap;

import java.time.Duration;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** One stream's use of a {@link FrameTap}. Called only from the tap's own thread. */
public interface FrameTapSession extends AutoCloseable {

    /** The least media time between two frames this session wants. */
    Duration interval();

    /** A decoded source picture (pts in milliseconds), valid only during the call: copy what must outlive it. */
    void onFrame(AVFrame frame);

    /** The stream ended: free what the session holds. */
    @Override
    void close();
}
