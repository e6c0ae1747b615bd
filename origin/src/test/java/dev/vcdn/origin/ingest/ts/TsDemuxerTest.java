package dev.vcdn.origin.ingest.ts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.testing.Publisher;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A transport stream written by ffmpeg, read back in the odd slices a network delivers. */
class TsDemuxerTest {

    private static byte[] transportStream;

    @BeforeAll
    static void writeTransportStream(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pattern.ts");
        Publisher.Result result = Publisher.run(List.of(Publisher.bundledFfmpeg().toString(), "-hide_banner", "-loglevel", "error",
                "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "2", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "2",
                "-f", "mpegts", file.toString()), 60);
        assertThat(result.exitCode()).as(result.output()).isZero();
        transportStream = Files.readAllBytes(file);
    }

    private static List<MediaPacket> demux(byte[] input, Random slices) {
        List<MediaPacket> packets = new ArrayList<>();
        TsDemuxer demuxer = new TsDemuxer(packets::add);
        for (int at = 0; at < input.length; ) {
            int length = Math.min(input.length - at, 1 + slices.nextInt(1400));
            demuxer.feed(input, at, length);
            at += length;
        }
        demuxer.flush();
        return packets;
    }

    @Test
    void h264AndAacComeOutAsTheyWentIn() {
        byte[] garbageFirst = new byte[transportStream.length + 100];
        System.arraycopy(transportStream, 0, garbageFirst, 100, transportStream.length);
        List<MediaPacket> packets = demux(garbageFirst, new Random(1));

        List<MediaPacket> video = packets.stream().filter(p -> p.kind() == MediaKind.VIDEO).toList();
        assertThat(video.get(0).isConfig()).isTrue();
        assertThat(video.get(0).codec()).isEqualTo(Codec.H264);
        assertThat(video.stream().filter(MediaPacket::isConfig)).hasSize(1);
        List<MediaPacket> frames = video.stream().filter(p -> !p.isConfig()).toList();
        assertThat(frames).hasSize(50);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).keyframe()).as("frame %d", i).isEqualTo(i % 25 == 0);
            assertThat(frames.get(i).payload().byteAt(0)).as("length-prefixed, not a start code").isZero();
        }
        assertThat(frames.stream().map(MediaPacket::dts).toList()).isSorted().doesNotHaveDuplicates();
        assertThat(frames.stream().filter(p -> p.compositionOffset() > 0)).as("B-frames").isNotEmpty();

        List<MediaPacket> audio = packets.stream().filter(p -> p.kind() == MediaKind.AUDIO).toList();
        assertThat(audio.get(0).isConfig()).isTrue();
        assertThat(audio.get(0).payload().toByteArray()).as("AAC-LC, 44.1 kHz, mono").containsExactly(0x12, 0x08);
        List<MediaPacket> sound = audio.stream().filter(p -> !p.isConfig()).toList();
        assertThat(sound).hasSizeBetween(85, 90);
        for (int i = 1; i < sound.size(); i++) {
            assertThat(sound.get(i).dts() - sound.get(i - 1).dts()).isBetween(22L, 24L);
        }
    }

    @Test
    void damagedInputNeverThrowsAndStaysBounded() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            byte[] damaged = transportStream.clone();
            for (int i = 0; i < 200; i++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            demux(damaged, random);
        }
        byte[] noise = new byte[1 << 20];
        random.nextBytes(noise);
        for (int i = 0; i < noise.length; i += 188) {
            noise[i] = 0x47; // in sync, so every packet is parsed
        }
        assertThat(demux(noise, random)).as("random packets carry no program").isEmpty();
    }
}
