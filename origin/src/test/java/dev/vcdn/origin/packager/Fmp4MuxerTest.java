package dev.vcdn.origin.packager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import dev.vcdn.shared.stream.RenditionId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The muxer at the multiplicity of a real origin: dozens of renditions open at once (six per
 * 1080p channel), opened and closed as channels come and go, each on its own thread.
 */
class Fmp4MuxerTest {

    /** AAC-LC, 44.1 kHz, stereo. */
    private static final byte[] AUDIO_SPECIFIC_CONFIG = {0x12, 0x10};
    private static final byte[] AAC_FRAME = {0x21, 0x10, 0x04, 0x60, (byte) 0x8c, 0x1c};
    /** More than the native slots a JavaCPP callback class has in this build (10). */
    private static final int MUXERS = 40;

    private static RenditionInfo audio(int index) {
        return new RenditionInfo(RenditionId.of("audio" + index), MediaKind.AUDIO, Codec.AAC, "mp4a.40.2", 0, 0, 0, 0, 0,
                Optional.of(Payload.copyOf(AUDIO_SPECIFIC_CONFIG)));
    }

    private static byte[] onePart(Fmp4Muxer muxer, long from) {
        for (int i = 0; i < 10; i++) {
            long time = from + i * 23L;
            muxer.write(MediaPacket.frame(Codec.AAC, time, time, TimeBase.MILLISECONDS, false, Payload.copyOf(AAC_FRAME)), 23);
        }
        return muxer.cutFragment();
    }

    private static String boxType(byte[] bytes, int at) {
        return new String(bytes, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void manyMuxersOpenAtOnceEachWriteTheirOwnInitSegmentAndParts() {
        List<Fmp4Muxer> muxers = new ArrayList<>();
        try {
            for (int i = 0; i < MUXERS; i++) {
                muxers.add(new Fmp4Muxer(audio(i)));
            }
            for (int i = 0; i < MUXERS; i++) {
                Fmp4Muxer muxer = muxers.get(i);
                assertThat(boxType(muxer.initSegment(), 0)).as("init segment of muxer %d", i).isEqualTo("ftyp");
                for (int part = 0; part < 3; part++) {
                    assertThat(boxType(onePart(muxer, part * 230L), 0)).as("part %d of muxer %d", part, i).isIn("styp", "moof");
                }
            }
        } finally {
            muxers.forEach(Fmp4Muxer::close);
        }
    }

    @Test
    void muxersOpenedAndClosedOneAfterAnotherKeepWorkingWithoutAGarbageCollection() {
        for (int i = 0; i < MUXERS; i++) {
            try (Fmp4Muxer muxer = new Fmp4Muxer(audio(i))) {
                assertThat(muxer.initSegment()).as("init segment of muxer %d", i).isNotEmpty();
                assertThat(onePart(muxer, 0)).as("part of muxer %d", i).isNotEmpty();
            }
        }
    }

    @Test
    void muxersOnManyThreadsAtOnceKeepTheirBytesApart() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int index = i;
                results.add(threads.submit(() -> {
                    // Each muxer starts at its own time: its fragments' decode times say whose they are.
                    try (Fmp4Muxer muxer = new Fmp4Muxer(audio(index))) {
                        List<Long> times = new ArrayList<>();
                        for (int part = 0; part < 50; part++) {
                            times.add(baseMediaDecodeTime(onePart(muxer, index * 100_000L + part * 230L)));
                        }
                        return times;
                    }
                }));
            }
            for (int i = 0; i < results.size(); i++) {
                List<Long> times = results.get(i).get();
                for (int part = 0; part < times.size(); part++) {
                    assertThat(times.get(part)).as("muxer %d part %d", i, part)
                            .isEqualTo((i * 100_000L + part * 230L) * 44_100 / 1000);
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aClosedMuxerRefusesToWriteInsteadOfTouchingFreedMemory() {
        Fmp4Muxer muxer = new Fmp4Muxer(audio(0));
        muxer.close();
        muxer.close();
        assertThatThrownBy(() -> onePart(muxer, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(muxer::cutFragment).isInstanceOf(IllegalStateException.class);
    }

    /** The {@code tfdt} of a fragment ({@code moof} > {@code traf} > {@code tfdt}), in the track's timescale. */
    static long baseMediaDecodeTime(byte[] fragment) {
        ByteBuffer bytes = ByteBuffer.wrap(fragment);
        int moof = box(bytes, 0, fragment.length, "moof");
        int traf = box(bytes, moof + 8, moof + bytes.getInt(moof), "traf");
        int tfdt = box(bytes, traf + 8, traf + bytes.getInt(traf), "tfdt");
        return bytes.get(tfdt + 8) == 1 ? bytes.getLong(tfdt + 12) : bytes.getInt(tfdt + 12) & 0xFFFFFFFFL;
    }

    private static int box(ByteBuffer bytes, int from, int to, String type) {
        for (int at = from; at + 8 <= to; at += bytes.getInt(at)) {
            if (new String(bytes.array(), at + 4, 4, StandardCharsets.US_ASCII).equals(type)) {
                return at;
            }
            if (bytes.getInt(at) < 8) {
                break;
            }
        }
        throw new AssertionError("no " + type + " box");
    }

    @Test
    void aFragmentAfterAGapStartsAtItsOwnTimeNotWhereTheLastOneEnded() {
        try (Fmp4Muxer muxer = new Fmp4Muxer(audio(0))) {
            onePart(muxer, 0); // ten frames of 23 ms: up to 230 ms
            muxer.startsAfterGap();
            byte[] fragment = onePart(muxer, 3_000);
            assertThat(baseMediaDecodeTime(fragment)).as("3 s in the 44.1 kHz timescale").isEqualTo(3 * 44_100L);
        }
    }
}
