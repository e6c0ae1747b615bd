package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_configuration;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_INFO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_version_info;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import java.util.List;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the bundled FFmpeg natives once, sends FFmpeg's own log through our logger, and checks
 * that the encoders the ladder relies on are there (they are only in the -gpl natives).
 */
public final class FfmpegRuntime {

    private static final Logger log = LoggerFactory.getLogger(FfmpegRuntime.class);
    private static final Logger ffmpegLog = LoggerFactory.getLogger("ffmpeg");

    /** Encoders the transcoder uses: H.264 on every channel, AV1/VP9 per channel, audio, thumbnails. */
    public static final List<String> REQUIRED_ENCODERS =
            List.of("libx264", "libsvtav1", "libvpx-vp9", "aac", "libopus", "mjpeg");

    /** Held for the life of the JVM: FFmpeg calls it from any thread, and a collected callback crashes the JVM. */
    private static final LogCallback LOG_CALLBACK = new Slf4jLogCallback();
    private static FfmpegInfo loaded;

    private FfmpegRuntime() {
    }

    /** Idempotent; the first call costs about half a second (native libraries are extracted and loaded). */
    public static synchronized FfmpegInfo load() {
        if (loaded == null) {
            String version = av_version_info().getString();
            String configuration = avcodec_configuration().getString();
            setLogCallback(LOG_CALLBACK);
            // FFmpeg's informational lines (x264's statistics at every encoder close...) would flood the log.
            av_log_set_level(AV_LOG_WARNING);
            List<String> missing = REQUIRED_ENCODERS.stream().filter(name -> findEncoder(name).isEmpty()).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("FFmpeg " + version + " lacks encoders " + missing
                        + ": the linux-x86_64-gpl natives are not the ones on the class path");
            }
            loaded = new FfmpegInfo(version, configuration);
            log.info("FFmpeg {} loaded with encoders {}", version, REQUIRED_ENCODERS);
        }
        return loaded;
    }

    public static Optional<AVCodec> findEncoder(String name) {
        AVCodec codec = avcodec_find_encoder_by_name(name);
        return codec == null || codec.isNull() ? Optional.empty() : Optional.of(codec);
    }

    /** @param configuration the {@code ./configure} line the libraries were built with */
    public record FfmpegInfo(String version, String configuration) {

        public boolean builtWith(String configureFlag) {
            return List.of(configuration.split("\\s+")).contains(configureFlag);
        }
    }

    private static final class Slf4jLogCallback extends LogCallback {

        @Override
        public void call(int level, BytePointer message) {
            String text = message.getString().strip();
            if (text.isEmpty()) {
                return;
            }
            if (level <= AV_LOG_ERROR) {
                ffmpegLog.error(text);
            } else if (level <= AV_LOG_WARNING) {
                ffmpegLog.warn(text);
            } else if (level <= AV_LOG_INFO) {
                ffmpegLog.info(text);
            } else {
                ffmpegLog.debug(text);
            }
        }
    }
}
