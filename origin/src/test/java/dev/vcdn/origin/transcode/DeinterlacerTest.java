package dev.vcdn.origin.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.ffmpeg.Deinterlacer;
import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole pictures from an interlaced source's fields: one per frame, in order, none left marked interlaced. */
class DeinterlacerTest {

    @TempDir
    Path directory;

    @Test
    void everyFieldPairBecomesOneProgressivePictureAtItsTime() throws Exception {
        List<MediaPacket> video = FlvFile.packets(TestSources.interlacedFlv(directory, "interlaced", 2)).stream()
                .filter(p -> p.codec() == Codec.H264).toList();
        List<Long> decodedTimes = new ArrayList<>();
        List<Boolean> decodedInterlaced = new ArrayList<>();
        List<Long> pictureTimes = new ArrayList<>();
        List<Boolean> picturesInterlaced = new ArrayList<>();
        try (MediaDecoder decoder = new MediaDecoder(Codec.H264, video.get(0).payload().toByteArray());
             Deinterlacer deinterlacer = new Deinterlacer(1000)) {
            for (MediaPacket packet : video.subList(1, video.size())) {
                decoder.decode(packet, frame -> {
                    decodedTimes.add(frame.pts());
                    decodedInterlaced.add((frame.flags() & Ffmpeg.FRAME_FLAG_INTERLACED) != 0);
                    deinterlacer.filter(frame, picture -> {
                        pictureTimes.add(picture.pts());
                        picturesInterlaced.add((picture.flags() & Ffmpeg.FRAME_FLAG_INTERLACED) != 0);
                    });
                });
            }
            decoder.flush(frame -> {
                decodedTimes.add(frame.pts());
                deinterlacer.filter(frame, picture -> pictureTimes.add(picture.pts()));
            });
            deinterlacer.flush(picture -> pictureTimes.add(picture.pts()));
        }
        assertThat(decodedInterlaced).as("the source is coded as fields").contains(true);
        assertThat(pictureTimes).as("one picture per frame, at its time").isEqualTo(decodedTimes);
        assertThat(picturesInterlaced).as("made whole").doesNotContain(true);
    }
}
