package dev.vcdn.origin.recording;

import static dev.vcdn.origin.recording.RecordingFixtures.START;
import static dev.vcdn.origin.recording.RecordingFixtures.VIDEO;
import static dev.vcdn.origin.recording.RecordingStoreContract.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingRetentionTest {

    private final Vertx vertx = Vertx.vertx();
    private final MutableClock clock = new MutableClock(START);
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
        clock.set(at);
        RecordingFixtures.recordAndAwait(vertx, recorder, root, id, segments, 10_000, List.of(VIDEO),
                end ? Optional.of(at) : Optional.empty());
    }

    @Test
    void recordingsEndedBeforeTheRetentionAreDeletedAndNothingElse() throws Exception {
        record("alice.old", START, 2, true);
        record("bob.old", START.plus(Duration.ofDays(1)), 2, true);
        record("alice.recent", START.plus(Duration.ofDays(9)), 2, true);
        record("alice.live", START.plus(Duration.ofDays(2)), 2, false);
        clock.set(START.plus(Duration.ofDays(10)));
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
        clock.set(START.plus(Duration.ofHours(4)));
        long oneRecording = await(store.size("alice/d/"));
        RecordingRetention retention = new RecordingRetention(library, Duration.ZERO, oneRecording * 5 / 2, clock);
        RecordingRetention.Pass pass = await(retention.enforce());
        assertThat(pass.deleted()).isEqualTo(2);
        assertThat(pass.bytesAfter()).isLessThanOrEqualTo(oneRecording * 5 / 2);
        assertThat(await(store.children("alice/"))).containsExactlyInAnyOrder("b", "d");
        assertThat(new RecordingRetention(library, Duration.ZERO, 0, clock).enabled()).isFalse();
    }
}
