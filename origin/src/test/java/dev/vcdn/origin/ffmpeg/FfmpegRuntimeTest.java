package dev.vcdn.origin.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.ffmpeg.FfmpegRuntime.FfmpegInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Smoke check of the bundled natives: the right build is loaded and has what the pipeline needs. */
class FfmpegRuntimeTest {

    static final java.util.List<String> REQUIRED = FfmpegRuntime.REQUIRED_ENCODERS;

    @Test
    void loadsTheGplBuildOfFfmpeg8() {
        FfmpegInfo info = FfmpegRuntime.load();
        System.out.println("FFmpeg " + info.version());
        assertThat(info.version()).startsWith("8.");
        assertThat(info.builtWith("--enable-gpl")).as(info.configuration()).isTrue();
        assertThat(info.builtWith("--enable-libx264")).isTrue();
        // SRT ingest relies on libsrt inside libavformat (this build links 1.5.6, without the 1.5.4 overflows).
        assertThat(info.builtWith("--enable-libsrt")).isTrue();
        assertThat(FfmpegRuntime.load()).isSameAs(info);
    }

    @ParameterizedTest
    @FieldSource("REQUIRED")
    void hasEveryEncoderTheLadderUses(String encoder) {
        FfmpegRuntime.load();
        assertThat(FfmpegRuntime.findEncoder(encoder)).as(encoder).isPresent();
    }

    @Test
    void unknownEncodersAreAbsent() {
        FfmpegRuntime.load();
        assertThat(FfmpegRuntime.findEncoder("no-such-encoder")).isEmpty();
    }
}
