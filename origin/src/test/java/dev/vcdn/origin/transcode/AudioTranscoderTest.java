package dev.vcdn.origin.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vcdn.origin.codec.AudioSpecificConfig;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.TimeBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opus (WebRTC, enhanced RTMP), surround and changing AAC to AAC every player takes: timestamps stay
 * on the input's clock when input is missing or changes.
 */
class AudioTranscoderTest {

    @TempDir
    Path directory;

    @Test
    void lostOpusPacketsBecomeSilenceSoLaterAudioStaysInSync() throws Exception {
        List<MediaPacket> opus = FlvFile.packets(TestSources.flv(directory, "opus", "160x90", 25, 25, 3, "libopus", 0))
                .stream().filter(p -> p.codec() == Codec.OPUS).toList();
        MediaPacket head = opus.get(0);
        List<MediaPacket> frames = new ArrayList<>(opus.subList(1, opus.size()));
        long lastInput = millis(frames.get(frames.size() - 1));
        frames.subList(60, 65).clear(); // 100 ms lost on the way

        List<MediaPacket> aac = new ArrayList<>();
        long filled;
        try (AudioTranscoder transcoder = new AudioTranscoder(Codec.OPUS, head.payload().toByteArray())) {
            frames.forEach(frame -> transcoder.transcode(frame, aac::add));
            transcoder.flush(aac::add);
            filled = transcoder.silenceFilled();
        }
        // 100 ms at 48 kHz, plus what the timeline had drifted before: the decoder's pre-skip (312 samples
        // of the first frame) and the millisecond rounding of the FLV timestamps.
        assertThat(filled).as("about 100 ms at 48 kHz").isBetween(4800L, 5300L);
        long lastOutput = millis(aac.get(aac.size() - 1));
        // The last AAC frame starts within one AAC frame (21 ms) plus the encoder's priming of the last Opus frame.
        assertThat(lastOutput).isBetween(lastInput - 45, lastInput + 25);
    }

    @Test
    void unbrokenInputGetsNoSilence() throws Exception {
        List<MediaPacket> opus = FlvFile.packets(TestSources.flv(directory, "whole", "160x90", 25, 25, 2, "libopus", 0))
                .stream().filter(p -> p.codec() == Codec.OPUS).toList();
        try (AudioTranscoder transcoder = new AudioTranscoder(Codec.OPUS, opus.get(0).payload().toByteArray())) {
            opus.subList(1, opus.size()).forEach(frame -> transcoder.transcode(frame, ignored -> { }));
            assertThat(transcoder.silenceFilled()).isZero();
        }
    }

    @Test
    void surroundSoundIsMixedDownToStereoAtItsOwnRate() throws Exception {
        List<MediaPacket> surround = FlvFile.packets(TestSources.aacFlv(directory, "surround", 44_100, "5.1", 2));
        List<MediaPacket> aac = new ArrayList<>();
        byte[] configuration;
        try (AudioTranscoder transcoder = new AudioTranscoder(Codec.AAC, surround.get(0).payload().toByteArray())) {
            surround.subList(1, surround.size()).forEach(frame -> transcoder.transcode(frame, aac::add));
            transcoder.flush(aac::add);
            configuration = transcoder.configuration();
        }
        assertThat(AudioSpecificConfig.channels(surround.get(0).payload().toByteArray())).as("the source").isEqualTo(6);
        assertThat(AudioSpecificConfig.channels(configuration)).isEqualTo(2);
        assertThat(AudioSpecificConfig.sampleRate(configuration)).isEqualTo(44_100);
        assertThat(millis(aac.get(aac.size() - 1))).isCloseTo(millis(surround.get(surround.size() - 1)), within(30L));
    }

    @Test
    void aSourceThatChangesItsAudioMidStreamGoesOnInTheFormatItBeganWith() throws Exception {
        List<MediaPacket> stereo = FlvFile.packets(TestSources.aacFlv(directory, "stereo48", 48_000, "stereo", 2));
        List<MediaPacket> mono = FlvFile.packets(TestSources.aacFlv(directory, "mono44", 44_100, "mono", 2));
        long lastStereo = millis(stereo.get(stereo.size() - 1));
        List<MediaPacket> aac = new ArrayList<>();
        try (AudioTranscoder transcoder = new AudioTranscoder(Codec.AAC, stereo.get(0).payload().toByteArray(),
                new AudioTranscoder.AudioFormat(48_000, 2))) {
            stereo.subList(1, stereo.size()).forEach(frame -> transcoder.transcode(frame, aac::add));
            transcoder.decodeAs(Codec.AAC, mono.get(0).payload().toByteArray());
            // The mono part continues the stream's clock, one AAC frame (23 ms at 44.1 kHz) after the stereo part.
            mono.subList(1, mono.size()).forEach(frame -> transcoder.transcode(MediaPacket.frame(Codec.AAC,
                    frame.dts() + lastStereo + 21, frame.pts() + lastStereo + 21, frame.timeBase(), false, frame.payload()),
                    aac::add));
            transcoder.flush(aac::add);
            assertThat(AudioSpecificConfig.sampleRate(transcoder.configuration())).isEqualTo(48_000);
            assertThat(AudioSpecificConfig.channels(transcoder.configuration())).isEqualTo(2);
            assertThat(transcoder.silenceFilled()).as("no gap at the change").isLessThan(48_000 / 20);
        }
        long end = lastStereo + 21 + millis(mono.get(mono.size() - 1));
        assertThat(millis(aac.get(aac.size() - 1))).isCloseTo(end, within(45L));
        for (int i = 1; i < aac.size(); i++) {
            assertThat(aac.get(i).dts()).isGreaterThan(aac.get(i - 1).dts());
        }
    }

    @Test
    void anOutputNoPlayerTakesIsRefusedBeforeAnythingNativeIsMade() {
        assertThatThrownBy(() -> new AudioTranscoder(Codec.AAC, new byte[] {0x11, (byte) 0x90},
                new AudioTranscoder.AudioFormat(20_000, 2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AudioTranscoder(Codec.AAC, new byte[] {0x11, (byte) 0x90},
                new AudioTranscoder.AudioFormat(48_000, 6))).isInstanceOf(IllegalArgumentException.class);
    }

    private static long millis(MediaPacket packet) {
        return packet.timeBase().rescale(packet.pts(), TimeBase.MILLISECONDS);
    }
}
