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
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int index = i;
                results.add(threads.submit(() -> {
                    try (Fmp4Muxer muxer = new Fmp4Muxer(audio(index))) {
                        byte[] last = null;
                        for (int part = 0; part < 50; part++) {
                            last = onePart(muxer, part * 230L);
                        }
                        return last;
                    }
                }));
            }
            byte[] first = results.get(0).get();
            for (Future<byte[]> result : results) {
                // Same input, same sequence: the same bytes, unless two muxers' output got mixed.
                assertThat(result.get()).isEqualTo(first);
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
}
