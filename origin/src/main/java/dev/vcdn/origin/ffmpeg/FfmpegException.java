package dev.vcdn.origin.ffmpeg;

/** A failed FFmpeg call: names the call, its return code and FFmpeg's own text for it. */
public final class FfmpegException extends RuntimeException {

    private final int code;

    public FfmpegException(String call, int code) {
        super(call + " failed: " + code + " (" + Ffmpeg.errorText(code) + ")");
        this.code = code;
    }

    public FfmpegException(String message) {
        super(message);
        this.code = 0;
    }

    public int code() {
        return code;
    }
}
