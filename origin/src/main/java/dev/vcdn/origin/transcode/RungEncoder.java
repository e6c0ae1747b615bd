package dev.vcdn.origin.transcode;

import dev.vcdn.shared.media.MediaPacket;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** One rung's video encoder as its worker uses it ({@link VideoEncoder}); owned by the rung's thread. */
public interface RungEncoder extends AutoCloseable {

    /** The decoder configuration for the init segment (avcC for H.264; what the encoder gives otherwise). */
    byte[] configuration();

    /** RFC 6381 string for CODECS. */
    String codecString();

    /** Encodes {@code frame} (not taken over: the caller still frees it), as a keyframe when asked. */
    void encode(AVFrame frame, boolean keyframe, Consumer<MediaPacket> out);

    /** Drains what the encoder still holds. */
    void flush(Consumer<MediaPacket> out);

    @Override
    void close();

    /** Opens the encoder of a rung; the origin's is {@link VideoEncoder#VideoEncoder(Rung)}. */
    @FunctionalInterface
    interface Factory {
        RungEncoder open(Rung rung);
    }
}
