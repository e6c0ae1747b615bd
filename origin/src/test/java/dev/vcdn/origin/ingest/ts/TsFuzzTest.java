package dev.vcdn.origin.ingest.ts;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vcdn.shared.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the MPEG-TS demuxer an SRT publisher's stream goes through: any
 * bytes, in any split, give packets or nothing, never an exception. Stored inputs run in
 * {@code mvn test}.
 */
class TsFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void transportStream(byte[] input) {
        List<MediaPacket> packets = new ArrayList<>();
        TsDemuxer demuxer = new TsDemuxer(packets::add);
        int half = input.length / 2;
        demuxer.feed(input, 0, half);
        demuxer.feed(input, half, input.length - half);
        demuxer.flush();
    }
}
