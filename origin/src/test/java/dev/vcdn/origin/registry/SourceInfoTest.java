package dev.vcdn.origin.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceInfoTest {

    @Test
    void valuesNoEncoderSendsAreRefused() {
        assertThatThrownBy(() -> new SourceInfo("avc1", 1280, 720, Double.NaN, "mp4a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceInfo("avc1", 1280, 720, Double.POSITIVE_INFINITY, "mp4a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceInfo("avc1", -1, 720, 30, "mp4a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceInfo("avc1", 1280, 1 << 20, 30, "mp4a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceInfo("avc1\n<script>", 1280, 720, 30, "mp4a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceInfo(null, 1280, 720, 30, "mp4a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whatAPublisherSaysIsKeptOnlyWhereItMakesSense() {
        assertThat(SourceInfo.said("avc1", 1920, 1080, 29.97, "mp4a")).isEqualTo(new SourceInfo("avc1", 1920, 1080, 29.97, "mp4a"));
        assertThat(SourceInfo.said("avc1", 1280, 720, Double.NaN, "mp4a")).isEqualTo(new SourceInfo("avc1", 1280, 720, 0, "mp4a"));
        assertThat(SourceInfo.said("avc1", -1280, 720, 30, "mp4a")).isEqualTo(new SourceInfo("avc1", 0, 0, 30, "mp4a"));
        assertThat(SourceInfo.said("avc1", 1280.5, Double.POSITIVE_INFINITY, -30, "\u0000\u0001"))
                .isEqualTo(new SourceInfo("avc1", 0, 0, 0, ""));
    }

    @Test
    void theSeenPictureFillsWhatWasNotSaid() {
        assertThat(SourceInfo.said("avc1", 0, 0, 0, "").orPicture(640, 360, 29.969)).isEqualTo(new SourceInfo("avc1", 640, 360, 29.97, ""));
        assertThat(new SourceInfo("avc1", 1280, 720, 30, "").orPicture(640, 360, 25)).isEqualTo(new SourceInfo("avc1", 1280, 720, 30, ""));
        assertThat(SourceInfo.UNKNOWN.orPicture(-5, 99_999, Double.NaN)).isEqualTo(SourceInfo.UNKNOWN);
    }

    @Test
    void itRoundTripsThroughTheRegistryJson() {
        SourceInfo info = new SourceInfo("hvc1", 3840, 2160, 59.94, "Opus");
        assertThat(SourceInfo.fromJson(info.toJson())).isEqualTo(info);
    }
}
