package dev.vcdn.origin.transcode;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Opus (WebRTC, enhanced RTMP) to AAC: timestamps stay on the input's clock when input is missing. */
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

    private static long millis(MediaPacket packet) {
        return packet.timeBase().rescale(packet.pts(), TimeBase.MILLISECONDS);
    }
}
