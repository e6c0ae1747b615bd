package dev.vcdn.origin.tools;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.ffmpeg;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo world's synthetic streamer: a 720p30 test pattern with its running clock drawn in and
 * a 1 kHz tone, encoded like OBS would (x264 veryfast, 2 s keyframes, AAC) and published over
 * RTMP until stopped. It runs the {@code ffmpeg} program shipped in the origin jar (the same
 * FFmpeg build as the origin's own transcoder) and starts it again if it ends.
 *
 * <p>Usage: {@code java -cp origin.jar dev.vcdn.origin.tools.TestPatternPublisher RTMP_URL}
 */
public final class TestPatternPublisher {

    private static final Logger log = LoggerFactory.getLogger(TestPatternPublisher.class);
    static final long RESTART_DELAY_MILLIS = 2_000;

    private TestPatternPublisher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].startsWith("rtmp://")) {
            System.err.println("usage: TestPatternPublisher rtmp://HOST:PORT/live/STREAM_KEY");
            System.exit(2);
        }
        String program = Loader.load(ffmpeg.class);
        Process[] running = new Process[1];
        boolean[] stopping = {false};
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (running) {
                stopping[0] = true;
                if (running[0] != null) {
                    running[0].destroy();
                }
            }
        }, "publisher-stop"));
        while (true) {
            Process process;
            synchronized (running) {
                if (stopping[0]) {
                    return;
                }
                process = new ProcessBuilder(command(program, args[0])).inheritIO().start();
                running[0] = process;
            }
            int status = process.waitFor();
            log.warn("test pattern publisher ended with status {}; starting again in {} ms", status, RESTART_DELAY_MILLIS);
            TimeUnit.MILLISECONDS.sleep(RESTART_DELAY_MILLIS);
        }
    }

    static List<String> command(String program, String url) {
        return List.of(program, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60", "-b:v", "2500k",
                "-maxrate", "2500k", "-bufsize", "2500k", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "128k", "-f", "flv", url);
    }
}
