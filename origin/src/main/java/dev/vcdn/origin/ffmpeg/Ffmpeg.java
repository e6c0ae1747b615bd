package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import dev.vcdn.shared.media.MediaPacket;
import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.Pointer;

/** Return-code handling and the few constants this build's Java globals do not expose by name. */
public final class Ffmpeg {

    /** {@code AVERROR(EAGAIN)} on Linux: feed more input / take more output first. */
    public static final int EAGAIN = -11;
    /** {@code AV_FRAME_FLAG_KEY} (FFmpeg 6.1+, where {@code key_frame} was removed). */
    public static final int FRAME_FLAG_KEY = 1 << 1;
    /** {@code AV_FRAME_FLAG_INTERLACED}: the picture was coded as two fields. */
    public static final int FRAME_FLAG_INTERLACED = 1 << 3;

    private Ffmpeg() {
    }

    /** Returns {@code result} when it is not an error; throws naming {@code call} otherwise. */
    public static int check(int result, String call) {
        if (result < 0) {
            throw new FfmpegException(call, result);
        }
        return result;
    }

    /**
     * Returns what an allocating call gave, or throws naming the call when it gave NULL (out of
     * memory, or an argument it refused): a NULL used as an object crashes the JVM.
     */
    public static <P extends Pointer> P allocated(P pointer, String call) {
        if (pointer == null || pointer.isNull()) {
            throw new FfmpegException(call + " returned NULL");
        }
        return pointer;
    }

    /**
     * Copies {@code input} into {@code packet} (bytes, timestamps, keyframe flag). The packet
     * then owns a buffer: the caller unrefs it on every path.
     */
    public static void fill(AVPacket packet, MediaPacket input) {
        byte[] bytes = input.payload().toByteArray();
        check(av_new_packet(packet, bytes.length), "av_new_packet");
        packet.data().put(bytes);
        packet.pts(input.pts()).dts(input.dts()).flags(input.keyframe() ? AV_PKT_FLAG_KEY : 0);
    }

    static String errorText(int code) {
        byte[] buffer = new byte[256];
        if (av_strerror(code, buffer, buffer.length) < 0) {
            return "unknown error";
        }
        int length = 0;
        while (length < buffer.length && buffer[length] != 0) {
            length++;
        }
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }
}
