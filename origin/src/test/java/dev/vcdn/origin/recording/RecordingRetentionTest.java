package dev.vcdn.origin.recording;

import static dev.vcdn.origin.recording.RecordingFixtures.START;
import static dev.vcdn.origin.recording.RecordingFixtures.VIDEO;
import static dev.vcdn.origin.recording.RecordingFixtures.segment;
import static dev.vcdn.origin.recording.RecordingStoreContract.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.packager.Recording;
import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.recording.SegmentFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingRetentionTest {

    private final Vertx vertx = Vertx.vertx();
    private final RecordingLibraryTest.TestClock clock = new RecordingLibraryTest.TestClock(START);
    @TempDir
    Path root;
    private DiskRecordingStore store;
    private StoreRecorder recorder;
    private RecordingLibrary library;

    @BeforeEach
    void open() {
        store = new DiskRecordingStore(vertx, vertx.createSharedWorkerExecutor("recordings-test", 2), root);
        recorder = new StoreRecorder(store, 64L << 20, channel -> Optional.empty(), clock, new SimpleMeterRegistry());
        library = new RecordingLibrary(recorder, new RecordingSettings(root, Optional.empty(), Duration.ZERO, Duration.ZERO, 0,
                64L << 20), vertx.createSharedWorkerExecutor("recordings-test", 2), 2, Duration.ofDays(365), clock);
    }

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    /** A recording of {@code segments} video segments of 10 KB, started and (when {@code end}) ended at {@code at}. */
    private void record(String id, Instant at, int segments, boolean end) throws Exception {
        clock.now = at;
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            Recording recording = recorder.record(RecordingId.parse(id).orElseThrow());
            for (int msn = 0; msn < segments; msn++) {
                recording.segment(VIDEO, segment(msn, 0, "init-0.mp4", 10_000));
            }
            if (end) {
                recording.ended(at);
            }
            done.complete(null);
        });
        done.get(10, TimeUnit.SECONDS);
        String folder = id.replace('.', '/');
        String last = new SegmentFile(segments - 1, START.plusSeconds(2L * (segments - 1)), 2000, 0).name();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!root.resolve(folder + "/360p/" + last).toFile().exists() || end && !root.resolve(folder + "/ended.json").toFile().exists()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void recordingsEndedBeforeTheRetentionAreDeletedAndNothingElse() throws Exception {
        record("alice.old", START, 2, true);
        record("bob.old", START.plus(Duration.ofDays(1)), 2, true);
        record("alice.recent", START.plus(Duration.ofDays(9)), 2, true);
        record("alice.live", START.plus(Duration.ofDays(2)), 2, false);
        clock.now = START.plus(Duration.ofDays(10));
        RecordingRetention retention = new RecordingRetention(library, Duration.ofDays(7), 0, clock);
        assertThat(await(retention.enforce()).deleted()).isEqualTo(2);
        assertThat(await(store.children("alice/"))).containsExactlyInAnyOrder("recent", "live");
        assertThat(await(store.children("bob/"))).isEmpty();
        assertThat(await(retention.enforce()).deleted()).isZero();
    }

    @Test
    void pastTheByteBoundTheOldestEndedGoFirstAndALiveOneStays() throws Exception {
        record("alice.a", START, 10, true);                              // ~100 KB, oldest, ended
        record("alice.b", START.plus(Duration.ofHours(1)), 10, false);  // live (recorded here), older than c
        record("alice.c", START.plus(Duration.ofHours(2)), 10, true);
        record("alice.d", START.plus(Duration.ofHours(3)), 10, true);
        clock.now = START.plus(Duration.ofHours(4));
        long oneRecording = await(store.size("alice/d/"));
        RecordingRetention retention = new RecordingRetention(library, Duration.ZERO, oneRecording * 5 / 2, clock);
        RecordingRetention.Pass pass = await(retention.enforce());
        assertThat(pass.deleted()).isEqualTo(2);
        assertThat(pass.bytesAfter()).isLessThanOrEqualTo(oneRecording * 5 / 2);
        assertThat(await(store.children("alice/"))).containsExactlyInAnyOrder("b", "d");
        assertThat(new RecordingRetention(library, Duration.ZERO, 0, clock).enabled()).isFalse();
    }
}
