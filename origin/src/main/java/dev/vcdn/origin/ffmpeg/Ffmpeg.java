package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;

/** Return-code handling and the few constants this build's Java globals do not expose by name. */
public final class Ffmpeg {

    /** {@code AVERROR(EAGAIN)} on Linux: feed more input / take more output first. */
    public static final int EAGAIN = -11;
    /** {@code AV_FRAME_FLAG_KEY} (FFmpeg 6.1+, where {@code key_frame} was removed). */
    public static final int FRAME_FLAG_KEY = 1 << 1;

    private Ffmpeg() {
    }

    /** Returns {@code result} when it is not an error; throws naming {@code call} otherwise. */
    public static int check(int result, String call) {
        if (result < 0) {
            throw new FfmpegException(call, result);
        }
        return result;
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
