package dev.vcdn.origin.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.ffmpeg;
import org.bytedeco.javacpp.Loader;

/**
 * A real RTMP publisher: an ffmpeg program (the one bundled with our FFmpeg build, or Debian's)
 * pushing a synthetic picture and tone, as a streamer would.
 */
public final class Publisher {

    private Publisher() {
    }

    /** The ffmpeg program of the same build as the libraries we link. */
    public static Path bundledFfmpeg() {
        return Path.of(Loader.load(ffmpeg.class));
    }

    /** The ffprobe program of the same build. */
    public static Path bundledFfprobe() {
        return Path.of(Loader.load(org.bytedeco.ffmpeg.ffprobe.class));
    }

    /** Arguments of a test-pattern publish: {@code seconds} of 320x180 at 25 fps, keyframe every second, B-frames. */
    public static List<String> testPattern(Path ffmpegProgram, int seconds, String url) {
        return new ArrayList<>(List.of(ffmpegProgram.toString(), "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-t", Integer.toString(seconds), "-f", "flv", url));
    }

    /** Runs to the end; returns exit status and what it printed. Blocking: call from a worker thread. */
    public static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("publisher still running after " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    public record Result(int exitCode, String output) {
    }
}
