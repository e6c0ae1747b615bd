package dev.vcdn.origin.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.codec.AudioSpecificConfig;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import dev.vcdn.shared.stream.RenditionId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which audio goes to viewers as it came, and what the rendition stays when the publisher's audio changes. */
class AudioRouteTest {

    @TempDir
    Path directory;

    private final List<RenditionInfo> declared = new ArrayList<>();
    private final List<MediaPacket> out = new ArrayList<>();
    private final AudioRoute route = new AudioRoute(new LadderOutput() {
        @Override
        public boolean rendition(RenditionInfo info) {
            declared.add(info);
            return true;
        }

        @Override
        public boolean packet(RenditionId rendition, MediaPacket packet) {
            out.add(packet);
            return true;
        }

        @Override
        public void end() {
        }
    }, "test", new SimpleMeterRegistry().counter("refused"));

    @Test
    void stereoAacPassesAsItCameThenAChangedFormatIsReEncodedIntoTheFirst() throws Exception {
        List<MediaPacket> stereo = FlvFile.packets(TestSources.aacFlv(directory, "stereo", 48_000, "stereo", 2));
        List<MediaPacket> mono = FlvFile.packets(TestSources.aacFlv(directory, "mono", 22_050, "mono", 2));
        stereo.forEach(route::packet);
        assertThat(out).as("passed through, byte for byte").containsExactlyElementsOf(stereo);

        long lastStereo = stereo.get(stereo.size() - 1).dts();
        mono.forEach(packet -> route.packet(packet.isConfig() ? packet : MediaPacket.frame(packet.codec(),
                packet.dts() + lastStereo + 21, packet.pts() + lastStereo + 21, packet.timeBase(), false, packet.payload())));
        route.finish();
        route.close();

        assertThat(declared).hasSize(1);
        byte[] configuration = declared.get(0).configuration().orElseThrow().toByteArray();
        assertThat(AudioSpecificConfig.sampleRate(configuration)).isEqualTo(48_000);
        List<MediaPacket> after = out.subList(stereo.size(), out.size());
        assertThat(after).as("no new configuration: the init segment stays what it was").noneMatch(MediaPacket::isConfig);
        assertThat(after).as("re-encoded, not the mono source's packets").doesNotContainAnyElementsOf(mono);
        // 2 s of 22.05 kHz mono re-encoded at 48 kHz: about 94 frames of 1024 samples, not the source's 43.
        assertThat(after.size()).isBetween(85, 100);
        assertThat(after.get(0).dts()).isGreaterThan(lastStereo);
    }

    @Test
    void aChangeTheDecoderRefusesDropsTheAudioUntilTheFirstConfigurationComesBack() throws Exception {
        List<MediaPacket> stereo = FlvFile.packets(TestSources.aacFlv(directory, "stereo", 48_000, "stereo", 1));
        MediaPacket config = stereo.get(0);
        List<MediaPacket> frames = stereo.subList(1, stereo.size());
        route.packet(config);
        frames.subList(0, 10).forEach(route::packet);
        route.packet(MediaPacket.config(Codec.AAC, 0, TimeBase.MILLISECONDS, Payload.copyOf(new byte[] {0, 0})));
        frames.subList(10, 20).forEach(route::packet);
        assertThat(out).as("nothing under a configuration no decoder takes").hasSize(11);
        route.packet(config);
        frames.subList(20, 30).forEach(route::packet);
        assertThat(out.subList(12, out.size())).as("passed through again").containsExactlyElementsOf(frames.subList(20, 30));
        assertThat(declared).hasSize(1);
    }

    @Test
    void surroundIsMixedDownAndDeclaredAsStereo() throws Exception {
        FlvFile.packets(TestSources.aacFlv(directory, "surround", 48_000, "5.1", 2)).forEach(route::packet);
        route.finish();
        assertThat(declared).hasSize(1);
        byte[] configuration = declared.get(0).configuration().orElseThrow().toByteArray();
        assertThat(AudioSpecificConfig.channels(configuration)).isEqualTo(2);
        assertThat(out.get(0).isConfig()).isTrue();
        assertThat(out.size()).as("about 94 frames for 2 s").isBetween(90, 100);
    }

    @Test
    void onlyLowComplexityAacInMonoOrStereoAtAUsualRatePassesThrough() {
        assertThat(AudioRoute.playableAsItIs(new byte[] {0x11, (byte) 0x90})).as("LC 48 kHz stereo").isTrue();
        assertThat(AudioRoute.playableAsItIs(new byte[] {0x12, 0x08})).as("LC 44.1 kHz mono").isTrue();
        assertThat(AudioRoute.playableAsItIs(new byte[] {0x11, (byte) 0xB0})).as("LC 48 kHz 5.1").isFalse();
        assertThat(AudioRoute.playableAsItIs(new byte[] {0x29, (byte) 0x90})).as("HE-AAC").isFalse();
        assertThat(AudioRoute.playableAsItIs(new byte[] {0x10, 0x10})).as("LC 96 kHz").isFalse();
        assertThat(AudioRoute.playableAsItIs(new byte[] {0x11})).as("too short").isFalse();
        assertThat(AudioRoute.playableAsItIs(new byte[] {0x17, (byte) 0x80, 0x27, 0x10, 0x10})).as("LC at an explicit 20 kHz")
                .isFalse();
    }
}
