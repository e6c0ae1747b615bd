package dev.vcdn.origin.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class X264OptionsTest {

    @TempDir
    static Path files;

    private static List<MediaPacket> video(Path flv) throws Exception {
        return FlvFile.packets(flv).stream().filter(p -> p.kind() == MediaKind.VIDEO).toList();
    }

    @Test
    void theFirstKeyframeOfAnX264StreamDeclaresItsKeyframeInterval() throws Exception {
        List<MediaPacket> video = video(TestSources.flv(files, "gop48", "320x180", 24, 48, 3));
        Payload config = video.stream().filter(MediaPacket::isConfig).findFirst().orElseThrow().payload();
        List<MediaPacket> keyframes = video.stream().filter(p -> !p.isConfig() && p.keyframe()).toList();

        assertThat(X264Options.maxKeyframeInterval(keyframes.get(0).payload(), config)).hasValue(48);
        assertThat(X264Options.maxKeyframeInterval(keyframes.get(1).payload(), config))
                .as("x264 writes its options once, in the first keyframe").isEmpty();
        MediaPacket delta = video.stream().filter(p -> !p.isConfig() && !p.keyframe()).findFirst().orElseThrow();
        assertThat(X264Options.maxKeyframeInterval(delta.payload(), config)).isEmpty();
    }

    @Test
    void readsTheKeyintOptionOnly() {
        assertThat(X264Options.keyint("x264 - core 164 - H.264/MPEG-4 AVC codec - options: cabac=1 keyint=250 keyint_min=25 "
                + "scenecut=40")).hasValue(250);
        assertThat(X264Options.keyint("x264 - core 164 - options: keyint_min=25 keyint=infinite scenecut=0"))
                .hasValue(Long.MAX_VALUE);
        assertThat(X264Options.keyint("x264 - core 164 - options: keyint_min=25 scenecut=0")).isEmpty();
        assertThat(X264Options.keyint("keyint=60 without the options marker")).isEmpty();
        assertThat(X264Options.keyint("x264 - options: keyint=99999999999999")).as("out of range").isEmpty();
        assertThat(X264Options.keyint("x264 - options: keyint=0 scenecut=0")).as("not what x264 writes").isEmpty();
        assertThat(X264Options.keyint("x264 - options: keyint=60 intra_refresh=1")).as("no IDR keyframes")
                .hasValue(Long.MAX_VALUE);
        assertThat(X264Options.keyint("x264 - options: open_gop=1 keyint=60")).hasValue(Long.MAX_VALUE);
        assertThat(X264Options.keyint("x264 - options: open_gop=0 keyint=60 intra_refresh=0")).hasValue(60);
    }

    @Test
    void damagedFramesReadAsNotDeclaredAndNeverThrow() throws Exception {
        List<MediaPacket> video = video(TestSources.flv(files, "damaged", "320x180", 25, 50, 1));
        Payload config = video.stream().filter(MediaPacket::isConfig).findFirst().orElseThrow().payload();
        byte[] first = video.stream().filter(p -> !p.isConfig() && p.keyframe()).findFirst().orElseThrow().payload()
                .toByteArray();
        Random random = new Random(42);
        int declared = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] mutated = first.clone();
            for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                // Mostly in the first kilobyte, where the lengths and the SEI are.
                mutated[random.nextInt(Math.min(mutated.length, 1200))] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(mutated.length) : mutated.length;
            OptionalLong read = X264Options.maxKeyframeInterval(Payload.copyOf(mutated, 0, length), config);
            declared += read.isPresent() ? 1 : 0;
        }
        assertThat(declared).as("some mutations leave the SEI intact").isPositive();
        assertThat(X264Options.maxKeyframeInterval(Payload.copyOf(first), Payload.copyOf(new byte[] {1, 0x64})))
                .as("an avcC too short to give the length size").isEmpty();
        byte[] hugeLength = first.clone();
        hugeLength[0] = (byte) 0x7F;
        assertThat(X264Options.maxKeyframeInterval(Payload.copyOf(hugeLength), config)).isEmpty();
    }

    @Test
    void theRateX264KeepsIsTheHigherOfItsAverageAndItsPeak() {
        assertThat(X264Options.bitrateKbps("x264 - core 164 - options: cabac=0 rc=cbr mbtree=0 bitrate=2500 ratetol=1.0 "
                + "qcomp=0.60 vbv_maxrate=2500 vbv_bufsize=2500 nal_hrd=none")).hasValue(2500);
        assertThat(X264Options.bitrateKbps("x264 - options: rc=abr bitrate=3000 vbv_maxrate=4500 vbv_bufsize=9000")).hasValue(4500);
        assertThat(X264Options.bitrateKbps("x264 - options: rc=crf crf=23.0 qcomp=0.60")).as("a quality, not a rate").isEmpty();
        assertThat(X264Options.bitrateKbps("x264 - options: max_bitrate=9 xbitrate=5")).as("other keys").isEmpty();
        assertThat(X264Options.bitrateKbps("bitrate=2500 without the options marker")).isEmpty();
    }
}
