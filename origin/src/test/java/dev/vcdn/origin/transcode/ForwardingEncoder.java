package dev.vcdn.origin.transcode;

import dev.vcdn.shared.media.MediaPacket;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** FFmpeg's encoder of a rung, for tests to override one step of (to fail it, or to make it slow). */
class ForwardingEncoder implements RungEncoder {

    private final VideoEncoder real;

    ForwardingEncoder(Rung rung) {
        this.real = new VideoEncoder(rung);
    }

    @Override
    public byte[] configuration() {
        return real.configuration();
    }

    @Override
    public String codecString() {
        return real.codecString();
    }

    @Override
    public void encode(AVFrame frame, boolean keyframe, Consumer<MediaPacket> out) {
        real.encode(frame, keyframe, out);
    }

    @Override
    public void flush(Consumer<MediaPacket> out) {
        real.flush(out);
    }

    @Override
    public void close() {
        real.close();
    }
}
