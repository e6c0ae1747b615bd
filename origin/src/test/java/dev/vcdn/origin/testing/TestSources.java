package dev.vcdn.origin.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test pattern recordings made with the bundled ffmpeg (the same FFmpeg build the origin links). */
public final class TestSources {

    private TestSources() {
    }

    /** Writes {@code seconds} of a test pattern (H.264 with B-frames, AAC) as FLV. */
    public static Path flv(Path directory, String name, String size, int fps, int gop, int seconds) throws Exception {
        return flv(directory, name, size, fps, gop, seconds, "aac");
    }

    /** The same with another audio encoder ({@code libopus} gives enhanced-FLV Opus). */
    public static Path flv(Path directory, String name, String size, int fps, int gop, int seconds, String audioEncoder)
            throws Exception {
        return flv(directory, name, size, fps, gop, seconds, audioEncoder, 2);
    }

    /** The same with {@code bFrames} B-frames between references (0: what WebRTC encoders send). */
    public static Path flv(Path directory, String name, String size, int fps, int gop, int seconds, String audioEncoder,
                           int bFrames) throws Exception {
        return flv(directory, name, size, fps, gop, seconds, audioEncoder, bFrames, "yuv420p");
    }

    /**
     * {@code seconds} of 1280x720 interlaced video as a broadcast encoder sends it: 50 fields a second woven into 25
     * pictures, coded as fields (x264's interlaced mode), top field first, keyframe every 2 s, with AAC.
     */
    public static Path interlacedFlv(Path directory, String name, int seconds) throws Exception {
        Path file = directory.resolve(name + ".flv");
        run(file, List.of(Publisher.bundledFfmpeg().toString(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=50", "-f", "lavfi", "-i", "sine=sample_rate=48000",
                "-vf", "tinterlace=mode=interleave_top,fieldorder=tff", "-pix_fmt", "yuv420p",
                "-c:v", "libx264", "-preset", "ultrafast", "-flags", "+ildct+ilme", "-x264opts", "tff=1", "-g", "50",
                "-c:a", "aac", "-t", Integer.toString(seconds), "-f", "flv", file.toString()));
        return file;
    }

    /**
     * {@code seconds} of 640x360 at 30 fps held by x264 to {@code kbps} (CBR-like: bitrate, VBV maximum and buffer),
     * keyframe every 2 s, with AAC; {@code withoutSei} takes x264's SEI out, as from an encoder that declares nothing.
     */
    public static Path rateControlledFlv(Path directory, String name, int kbps, int seconds, boolean withoutSei) throws Exception {
        Path file = directory.resolve(name + ".flv");
        List<String> command = new ArrayList<>(List.of(Publisher.bundledFfmpeg().toString(), "-hide_banner",
                "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                "-f", "lavfi", "-i", "sine=sample_rate=48000", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "60", "-b:v", kbps + "k", "-maxrate", kbps + "k", "-bufsize", kbps + "k"));
        if (withoutSei) {
            command.addAll(List.of("-bsf:v", "filter_units=remove_types=6"));
        }
        command.addAll(List.of("-c:a", "aac", "-t", Integer.toString(seconds), "-f", "flv", file.toString()));
        run(file, command);
        return file;
    }

    /** {@code seconds} of a tone as AAC at {@code sampleRate} in {@code layout} ({@code mono}, {@code stereo}, {@code 5.1}), no picture. */
    public static Path aacFlv(Path directory, String name, int sampleRate, String layout, int seconds) throws Exception {
        Path file = directory.resolve(name + ".flv");
        run(file, List.of(Publisher.bundledFfmpeg().toString(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=" + sampleRate + ",aformat=channel_layouts=" + layout,
                "-c:a", "aac", "-b:a", "128k", "-t", Integer.toString(seconds), "-f", "flv", file.toString()));
        return file;
    }

    /** The same in {@code pixelFormat} ({@code yuv444p} gives High 4:4:4 Predictive, as GStreamer's x264enc sends). */
    public static Path flv(Path directory, String name, String size, int fps, int gop, int seconds, String audioEncoder,
                           int bFrames, String pixelFormat) throws Exception {
        Path file = directory.resolve(name + ".flv");
        List<String> command = List.of(Publisher.bundledFfmpeg().toString(), "-hide_banner", "-loglevel", "error",
                "-nostdin", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", Integer.toString(gop), "-bf", Integer.toString(bFrames),
                "-pix_fmt", pixelFormat,
                "-c:a", audioEncoder, "-b:a", "96k", "-t", Integer.toString(seconds), "-f", "flv", file.toString());
        run(file, command);
        return file;
    }

    private static void run(Path file, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg could not write " + file + ": " + output);
        }
    }
}
