package dev.vcdn.origin.recording;

import static dev.vcdn.origin.recording.RecordingFixtures.AUDIO;
import static dev.vcdn.origin.recording.RecordingFixtures.START;
import static dev.vcdn.origin.recording.RecordingFixtures.VIDEO;
import static dev.vcdn.origin.recording.RecordingFixtures.segment;
import static dev.vcdn.origin.recording.RecordingStoreContract.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.packager.Recording;
import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.recording.SegmentFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRecorderTest {

    private static final RecordingId ID = RecordingId.parse("alice.b1").orElseThrow();
    private static final int MIB = 1024 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @TempDir
    Path root;

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    /** Runs {@code action} on an event loop, as the packages call the recorder. */
    private <T> T onLoop(Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.runOnContext(ignored -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private StoreRecorder recorder(RecordingStore store, long maxQueued) {
        return new StoreRecorder(store, maxQueued, channel -> Optional.of(new byte[] {(byte) 0xFF, (byte) 0xD8}),
                Clock.fixed(START, ZoneOffset.UTC), metrics);
    }

    private static void eventually(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void everySegmentLandsAsItWasServedWithItsInitSegmentsAndAnEnd() throws Exception {
        DiskRecordingStore store = new DiskRecordingStore(vertx, vertx.createSharedWorkerExecutor("recordings-test", 2), root);
        StoreRecorder recorder = recorder(store, 64 * MIB);
        List<Recording.CompletedSegment> video = List.of(segment(10, 0, "init-10.mp4", 5000), segment(11, 0, "init-10.mp4", 6000),
                segment(12, 1, "init-12.mp4", 7000));
        onLoop(() -> {
            Recording recording = recorder.record(ID);
            video.forEach(s -> recording.segment(VIDEO, s));
            recording.segment(AUDIO, segment(10, 0, "init-10.mp4", 300));
            assertThat(recorder.recording(ID)).isTrue();
            recording.ended(START.plusSeconds(30));
            return null;
        });
        eventually(() -> root.resolve("alice/b1/ended.json").toFile().exists());
        eventually(() -> !recorder.recording(ID));
        for (Recording.CompletedSegment s : video) {
            String name = new SegmentFile(s.msn(), s.programDateTime(), s.durationMillis(), s.discontinuity()).name();
            assertThat(await(store.get("alice/b1/360p/" + name))).contains(s.bytes());
        }
        assertThat(await(store.children("alice/b1/360p/"))).containsExactlyInAnyOrder("rendition.json", "init-10.mp4",
                "init-12.mp4", new SegmentFile(10, START.plusSeconds(20), 2000, 0).name(),
                new SegmentFile(11, START.plusSeconds(22), 2000, 0).name(), new SegmentFile(12, START.plusSeconds(24), 2000, 1).name());
        assertThat(await(store.get("alice/b1/360p/init-12.mp4"))).contains(Buffer.buffer("init of init-12.mp4"));
        JsonObject rendition = new JsonObject(await(store.get("alice/b1/360p/rendition.json")).orElseThrow());
        assertThat(rendition.getString("codecs")).isEqualTo("avc1.64001e");
        assertThat(rendition.getLong("bandwidth")).isEqualTo(1_200_000L);
        assertThat(await(store.children("alice/b1/"))).containsExactlyInAnyOrder("recording.json", "ended.json", "thumb.jpg",
                "360p", "audio");
        JsonObject ended = new JsonObject(await(store.get("alice/b1/ended.json")).orElseThrow());
        assertThat(ended.getString("endedAt")).isEqualTo(START.plusSeconds(30).toString());
        assertThat(ended.getDouble("durationSeconds")).isEqualTo(6.0);
        assertThat(metrics.counter("vcdn.recording.segments").count()).isEqualTo(4);
        assertThat(metrics.counter("vcdn.recording.stopped").count()).isZero();
    }

    @Test
    void aBroadcastGoingOnKeepsItsRecordingsStart() throws Exception {
        DiskRecordingStore store = new DiskRecordingStore(vertx, vertx.createSharedWorkerExecutor("recordings-test", 2), root);
        onLoop(() -> recorder(store, 64 * MIB).record(ID));
        eventually(() -> root.resolve("alice/b1/recording.json").toFile().exists());
        String first = await(store.get("alice/b1/recording.json")).orElseThrow().toString();
        StoreRecorder elsewhere = new StoreRecorder(store, 64 * MIB, channel -> Optional.empty(),
                Clock.fixed(START.plusSeconds(60), ZoneOffset.UTC), metrics);
        onLoop(() -> elsewhere.record(ID)).segment(VIDEO, segment(40, 1, "init-40.mp4", 100));
        eventually(() -> root.resolve("alice/b1/360p/init-40.mp4").toFile().exists());
        assertThat(await(store.get("alice/b1/recording.json")).orElseThrow().toString()).isEqualTo(first);
    }

    @Test
    void aStoreThatFallsBehindStopsTheRecordingNotTheCaller() throws Exception {
        // Segment writes that take until the test lets them finish: a store far behind.
        List<Promise<Void>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingStore slow = new SegmentWritesStore(new DiskRecordingStore(vertx, vertx.createSharedWorkerExecutor("recordings-test", 2),
                root), key -> {
                    Promise<Void> write = Promise.promise();
                    pending.add(write);
                    return write.future();
                });
        StoreRecorder recorder = recorder(slow, 16 * MIB);
        long taken = onLoop(() -> {
            Recording recording = recorder.record(ID);
            long started = System.nanoTime();
            for (int msn = 0; msn < 40; msn++) {
                recording.segment(VIDEO, segment(msn, 0, "init-0.mp4", MIB));
            }
            recording.ended(START.plusSeconds(80));
            return System.nanoTime() - started;
        });
        assertThat(TimeUnit.NANOSECONDS.toSeconds(taken)).as("the loop never waited for the store").isZero();
        assertThat(metrics.counter("vcdn.recording.stopped").count()).isEqualTo(1);
        assertThat(metrics.find("vcdn.recording.queued.bytes").gauge().value()).isLessThanOrEqualTo(16.0 * MIB);
        assertThat(recorder.recording(ID)).as("recorded here until its last writes are done").isTrue();
        assertThat(root.resolve("alice/b1/ended.json")).as("no end before the segments it covers").doesNotExist();

        eventually(() -> !pending.isEmpty());
        while (!pending.stream().allMatch(write -> write.future().isComplete())) {
            pending.forEach(write -> vertx.runOnContext(ignored -> write.tryComplete()));
            Thread.sleep(20);
        }
        eventually(() -> root.resolve("alice/b1/ended.json").toFile().exists());
        eventually(() -> !recorder.recording(ID));
        assertThat(new JsonObject(await(slow.get("alice/b1/ended.json")).orElseThrow()).getString("incomplete"))
                .contains("behind");
        assertThat(metrics.find("vcdn.recording.queued.bytes").gauge().value()).isZero();
    }

    @Test
    void aStoreThatFailsStopsTheRecordingOnce() throws Exception {
        RecordingStore failing = new SegmentWritesStore(new DiskRecordingStore(vertx, vertx.createSharedWorkerExecutor("recordings-test", 2), root), key -> Future.failedFuture("disk full"));
        StoreRecorder recorder = recorder(failing, 64 * MIB);
        Recording recording = onLoop(() -> recorder.record(ID));
        for (int msn = 0; msn < 5; msn++) {
            int at = msn;
            onLoop(() -> {
                recording.segment(VIDEO, segment(at, 0, "init-0.mp4", 1000));
                return null;
            });
        }
        eventually(() -> metrics.counter("vcdn.recording.stopped").count() == 1);
        eventually(() -> root.resolve("alice/b1/ended.json").toFile().exists());
        assertThat(new JsonObject(await(failing.get("alice/b1/ended.json")).orElseThrow()).getString("incomplete"))
                .contains("disk full");
        assertThat(metrics.counter("vcdn.recording.stopped").count()).isEqualTo(1);
        assertThat(metrics.counter("vcdn.recording.segments").count()).isZero();
    }
}
