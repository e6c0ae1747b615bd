package dev.vcdn.origin.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.shared.media.Codec;
import java.util.List;
import org.junit.jupiter.api.Test;

class LadderPlannerTest {

    private final LadderPlanner planner = new LadderPlanner(LadderPlanner.DEFAULT_STEPS);

    private static List<String> ids(List<Rung> rungs) {
        return rungs.stream().map(r -> r.id().value()).toList();
    }

    @Test
    void rungsBelowTheSourceOnly() {
        List<Rung> ladder = planner.plan(new SourceVideo(Codec.H264, 1920, 1080, 30, 6000), ChannelFeatures.standard(), true);
        assertThat(ids(ladder)).containsExactly("source", "720p", "480p", "360p", "160p");
        assertThat(ladder.get(0).passthrough()).isTrue();
        assertThat(ladder).filteredOn(r -> !r.passthrough())
                .extracting(r -> r.width() + "x" + r.height())
                .containsExactly("1280x720", "854x480", "640x360", "284x160");
    }

    @Test
    void noEncodedRungGoesAboveItsChannelsBitrate() {
        ChannelFeatures limited = new ChannelFeatures(ChannelFeatures.DEFAULT_RENDITIONS, List.of("h264"), 2000, false, false);
        List<Rung> ladder = planner.plan(new SourceVideo(Codec.H264, 1920, 1080, 30, 0), limited, false);
        assertThat(ladder).extracting(Rung::bitrateKbps).allMatch(kbps -> kbps <= 2000);
        assertThat(ladder).extracting(Rung::maxBitrateKbps).allMatch(kbps -> kbps <= 2000);
        assertThat(ids(ladder)).as("the source held to 2 Mbit/s; 720p would be as fast: left out")
                .containsExactly("source", "480p", "360p", "160p");
        assertThat(ladder.get(0).bitrateKbps()).isEqualTo(2000);

        List<Rung> underPassedSource = planner.plan(new SourceVideo(Codec.H264, 1920, 1080, 30, 1800), limited, true);
        assertThat(ids(underPassedSource)).as("nothing encoded above the source passed through").containsExactly("source", "480p",
                "360p", "160p");
    }

    @Test
    void aSmallSourceIsNeverUpscaled() {
        assertThat(ids(planner.plan(new SourceVideo(Codec.H264, 854, 480, 30, 1500), ChannelFeatures.standard(), true)))
                .containsExactly("source", "360p", "160p");
    }

    @Test
    void theSourceIsReencodedWhenItCannotBePassedThrough() {
        Rung hevcSource = planner.plan(new SourceVideo(Codec.HEVC, 1280, 720, 30, 3000), ChannelFeatures.standard(), true).get(0);
        assertThat(hevcSource.passthrough()).isFalse();
        assertThat(hevcSource.codec()).isEqualTo(VideoCodec.H264);
        assertThat(hevcSource.bitrateKbps()).as("the 720p bitrate").isEqualTo(3000);
        Rung longGop = planner.plan(new SourceVideo(Codec.H264, 1280, 720, 30, 3000), ChannelFeatures.standard(), false).get(0);
        assertThat(longGop.passthrough()).isFalse();
    }

    @Test
    void highFrameRatesAreHalvedOnLowRungsOnly() {
        List<Rung> ladder = planner.plan(new SourceVideo(Codec.H264, 1920, 1080, 60, 9000), ChannelFeatures.standard(), true);
        assertThat(ladder).extracting(Rung::fps).containsExactly(60.0, 60.0, 30.0, 30.0, 30.0);
    }

    @Test
    void extraCodecsFollowTheChannelsFeaturesAndRenditionsAreFiltered() {
        ChannelFeatures av1Only = new ChannelFeatures(List.of("source", "720p", "480p"), List.of("h264", "av1"), 8000, false, false);
        List<Rung> ladder = planner.plan(new SourceVideo(Codec.H264, 1920, 1080, 30, 6000), av1Only, true);
        assertThat(ids(ladder)).containsExactly("source", "720p", "480p", "480p-av1");
        Rung av1 = ladder.get(3);
        assertThat(av1.codec()).isEqualTo(VideoCodec.AV1);
        assertThat(av1.bitrateKbps()).isEqualTo(840);
        assertThat(av1.maxBitrateKbps()).isEqualTo(1260);
    }

    @Test
    void aChannelLimitedToRungsAboveItsSourceStillGetsThePicture() {
        ChannelFeatures only1080p = ChannelFeatures.standard().withRenditions(List.of("1080p"));
        List<Rung> ladder = planner.plan(new SourceVideo(Codec.H264, 1280, 720, 30, 3000), only1080p, false);
        assertThat(ids(ladder)).as("its source, re-encoded, rather than no video or an upscale").containsExactly("source");
        assertThat(ladder.get(0).height()).isEqualTo(720);
    }
}
