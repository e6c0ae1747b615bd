package dev.vcdn.origin.packager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import dev.vcdn.shared.stream.RenditionId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenditionPackagerTest {

    /** AAC-LC, 44.1 kHz, stereo. */
    private static final byte[] AUDIO_SPECIFIC_CONFIG = {0x12, 0x10};

    @Test
    void aRepeatedAudioTimestampIsMovedForwardInsteadOfEndingTheRendition() {
        RenditionInfo audio = new RenditionInfo(RenditionId.of("audio"), MediaKind.AUDIO, Codec.AAC, "mp4a.40.2", 0, 0, 0, 0, 0,
                Optional.of(Payload.copyOf(AUDIO_SPECIFIC_CONFIG)));
        List<Long> partDurations = new ArrayList<>();
        PackagingSettings settings = new PackagingSettings(Duration.ofSeconds(2), Duration.ofMillis(334), Duration.ofSeconds(30));
        try (RenditionPackager packager = new RenditionPackager(audio, new Fmp4Muxer(audio), settings, new RenditionPackager.Sink() {
            @Override
            public void part(long msn, int index, byte[] bytes, long durationMillis, boolean independent, Instant segmentStart,
                             boolean lastOfSegment) {
                partDurations.add(durationMillis);
            }

            @Override
            public void gap(long msn, int index, long durationMillis, Instant segmentStart, boolean lastOfSegment) {
                throw new AssertionError("no gap in an audio rendition that never went down");
            }
        }, Instant.now(), 0)) {
            // What GStreamer's RTMP publisher sent: the second frame with the first one's time.
            long[] times = new long[130];
            for (int i = 0; i < times.length; i++) {
                times[i] = i == 1 ? 0 : Math.round(i * 1024 * 1000.0 / 44_100);
            }
            for (long time : times) {
                packager.packet(MediaPacket.frame(Codec.AAC, time, time, TimeBase.MILLISECONDS, false,
                        Payload.copyOf(new byte[] {0x21, 0x10, 0x04, 0x60, (byte) 0x8c, 0x1c})));
            }
            assertThat(packager.nudgedPackets()).isEqualTo(1);
        }
        assertThat(partDurations).as("the rendition goes on: about 3 s of parts").hasSizeGreaterThan(7);
        assertThat(partDurations.stream().mapToLong(Long::longValue).sum()).isBetween(2500L, 3100L);
    }
}
