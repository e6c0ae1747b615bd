package dev.vcdn.origin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.codec.X264Options;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedSinkTest {

    @TempDir
    static Path files;

    /** A pipeline that takes {@code room} packets, then refuses until given more. */
    private static final class Pipeline implements MediaSink {
        final List<MediaPacket> taken = new ArrayList<>();
        int room;
        Runnable writable;
        boolean closed;

        Pipeline(int room) {
            this.room = room;
        }

        @Override
        public boolean offer(MediaPacket packet) {
            if (room == 0) {
                return false;
            }
            room--;
            taken.add(packet);
            return true;
        }

        @Override
        public void whenWritable(Runnable callback) {
            writable = callback;
        }

        @Override
        public void close() {
            closed = true;
        }

        void makeRoom(int packets) {
            room += packets;
            Runnable callback = writable;
            writable = null;
            if (callback != null) {
                callback.run();
            }
        }
    }

    @Test
    void aBackupTakesOverFromItsNewestKeyframeWithTheEncodersOptionsAndTheConfigurations() throws Exception {
        // 3 s with a keyframe every second: the second GOP is the newest kept when the backup is packaged at 2.5 s.
        List<MediaPacket> publish = FlvFile.packets(TestSources.flv(files, "backup", "320x180", 25, 25, 3));
        FeedSink feed = FeedSink.backup(System::nanoTime);
        List<MediaPacket> upTo = publish.stream().filter(p -> p.dts() < 2500).toList();
        upTo.forEach(packet -> assertThat(feed.offer(packet)).isTrue());
        assertThat(feed.readyToTakeOver()).isTrue();

        Pipeline pipeline = new Pipeline(10_000);
        feed.packageInto(pipeline);

        MediaPacket videoConfig = pipeline.taken.get(0);
        assertThat(videoConfig.isConfig()).isTrue();
        assertThat(pipeline.taken.get(1).isConfig()).as("the audio configuration").isTrue();
        MediaPacket keyframe = pipeline.taken.get(2);
        assertThat(keyframe.keyframe()).isTrue();
        assertThat(keyframe.dts()).as("the newest keyframe before the takeover").isBetween(2000L, 2040L);
        assertThat(X264Options.maxKeyframeInterval(keyframe.payload(), videoConfig.payload()))
                .as("x264's options, which only its first keyframe carried").hasValue(25);
        int keyframeAt = upTo.indexOf(upTo.stream().filter(p -> p.kind() == MediaKind.VIDEO && p.keyframe()
                && p.dts() == keyframe.dts()).findFirst().orElseThrow());
        assertThat(pipeline.taken.subList(3, pipeline.taken.size())).as("everything after it, as it came")
                .containsExactlyElementsOf(upTo.subList(keyframeAt + 1, upTo.size()));
        MediaPacket next = publish.get(upTo.size());
        assertThat(feed.offer(next)).isTrue();
        assertThat(pipeline.taken.get(pipeline.taken.size() - 1)).isSameAs(next);
    }

    @Test
    void whatComesDuringTheHandOverWaitsForItAndNothingIsLost() throws Exception {
        List<MediaPacket> publish = FlvFile.packets(TestSources.flv(files, "handover", "320x180", 25, 50, 2));
        FeedSink feed = FeedSink.backup(System::nanoTime);
        List<MediaPacket> before = publish.stream().filter(p -> p.dts() < 1000).toList();
        before.forEach(feed::offer);
        Pipeline pipeline = new Pipeline(5);
        feed.packageInto(pipeline);

        MediaPacket next = publish.get(before.size());
        assertThat(feed.offer(next)).as("taken after the kept GOP: a WHIP connection cannot wait").isTrue();
        pipeline.makeRoom(10_000);
        long kept = before.stream().filter(p -> !p.isConfig()).count();
        assertThat(pipeline.taken).as("two configurations, the GOP from its keyframe at 0, then what came").hasSize(
                2 + (int) kept + 1);
        assertThat(pipeline.taken.get(pipeline.taken.size() - 1)).isSameAs(next);
    }

    @Test
    void aConnectionWaitingForAPipelineThatStandsByIsLetGoAndItsWaitIsNotSilence() throws Exception {
        List<MediaPacket> publish = FlvFile.packets(TestSources.flv(files, "waiting", "320x180", 25, 25, 1));
        AtomicLong now = new AtomicLong(1);
        FeedSink feed = FeedSink.backup(now::get);
        assertThat(feed.silentNanos()).as("nothing sent yet is not a stall").isZero();
        Pipeline full = new Pipeline(0);
        feed.packageInto(full);
        assertThat(feed.offer(publish.get(0))).isFalse();
        boolean[] resumed = {false};
        feed.whenWritable(() -> resumed[0] = true);
        now.addAndGet(5_000_000_000L);
        assertThat(feed.silentNanos()).as("waiting for our pipeline is not the publisher's silence").isZero();
        feed.standBy();
        assertThat(resumed[0]).as("the connection reads again").isTrue();
        now.addAndGet(1_000_000_000L);
        assertThat(feed.silentNanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void aBackupStandingByAgainIsReadyAtOnceAndAPrimaryKeepsNothing() throws Exception {
        List<MediaPacket> publish = FlvFile.packets(TestSources.flv(files, "again", "320x180", 25, 25, 2));
        FeedSink backup = FeedSink.backup(System::nanoTime);
        Pipeline first = new Pipeline(10_000);
        backup.packageInto(first);
        publish.forEach(backup::offer);
        backup.standBy();
        assertThat(first.closed).as("its pipeline ends").isTrue();
        assertThat(backup.readyToTakeOver()).as("the GOP it was packaged with is at hand").isTrue();

        FeedSink primary = FeedSink.primary(System::nanoTime);
        primary.packageInto(new Pipeline(10_000));
        publish.forEach(primary::offer);
        primary.standBy();
        assertThat(primary.readyToTakeOver()).isFalse();
    }

    @Test
    void aGopTooLargeToKeepIsDroppedUntilTheNextKeyframeAndSilenceIsMeasured() {
        AtomicLong now = new AtomicLong();
        FeedSink feed = FeedSink.backup(now::get);
        feed.offer(MediaPacket.config(dev.vcdn.shared.media.Codec.H264, 0, dev.vcdn.shared.media.TimeBase.MILLISECONDS,
                Payload.copyOf(new byte[] {1, 0x64, 0, 0x1f, (byte) 0xff})));
        byte[] big = new byte[1 << 20];
        for (int i = 0; i <= FeedSink.MAX_KEPT_BYTES / big.length; i++) {
            feed.offer(MediaPacket.frame(dev.vcdn.shared.media.Codec.H264, i * 40L, i * 40L,
                    dev.vcdn.shared.media.TimeBase.MILLISECONDS, i == 0, Payload.copyOf(big)));
        }
        assertThat(feed.readyToTakeOver()).as("no GOP kept past the bound").isFalse();
        now.addAndGet(1_500_000_000L);
        assertThat(feed.silentNanos()).isEqualTo(1_500_000_000L);
    }
}
