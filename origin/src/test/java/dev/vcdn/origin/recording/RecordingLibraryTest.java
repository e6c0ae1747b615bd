package dev.vcdn.origin.recording;

import static dev.vcdn.origin.recording.RecordingFixtures.AUDIO;
import static dev.vcdn.origin.recording.RecordingFixtures.START;
import static dev.vcdn.origin.recording.RecordingFixtures.VIDEO;
import static dev.vcdn.origin.recording.RecordingFixtures.segment;
import static dev.vcdn.origin.recording.RecordingStoreContract.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.packager.Recording;
import dev.vcdn.origin.testing.MutableClock;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingLibraryTest {

    private static final Duration STALE = Duration.ofSeconds(60);
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
        recorder = new StoreRecorder(store, 64L << 20, channel -> Optional.of(new byte[] {1}), clock, new SimpleMeterRegistry());
        RecordingSettings settings = new RecordingSettings(root, Optional.empty(), Duration.ZERO, Duration.ZERO, 0, 64L << 20);
        library = new RecordingLibrary(recorder, settings, vertx.createSharedWorkerExecutor("recordings-test", 2), 2, STALE, clock);
    }

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    private <T> T onLoop(Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.runOnContext(ignored -> result.complete(action.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    /** Records {@code id}: {@code segments} video and audio segments from msn 0, ended now when {@code end}. */
    private Recording record(String id, int segments, boolean end) throws Exception {
        return RecordingFixtures.recordAndAwait(vertx, recorder, root, id, segments, 1000, List.of(VIDEO, AUDIO),
                end ? Optional.of(clock.instant()) : Optional.empty());
    }

    @Test
    void anEndedRecordingIsListedAndPlaysAsVod() throws Exception {
        clock.set(START.plusSeconds(10));
        record("alice.b1", 5, true);
        RecordingLibrary.Summary summary = await(library.summary(RecordingId.parse("alice.b1").orElseThrow())).orElseThrow();
        assertThat(summary.endedAt()).contains(START.plusSeconds(10));
        assertThat(summary.durationSeconds()).isEqualTo(10.0);
        assertThat(summary.renditions()).containsExactly("360p", "audio");
        JsonObject json = summary.toJson();
        assertThat(json.getString("master")).isEqualTo("/recordings/alice.b1/master.m3u8");
        assertThat(json.getString("thumbnail")).isEqualTo("/recordings/alice.b1/thumb.jpg");

        RecordingLibrary.Playlist master = await(library.master(summary.id())).orElseThrow();
        assertThat(master.live()).isFalse();
        assertThat(PlaylistParser.parseMultivariant(master.text()).variants()).singleElement()
                .satisfies(v -> assertThat(v.codecs()).isEqualTo("avc1.64001e,mp4a.40.2"));
        RecordingLibrary.Playlist media = await(library.media(summary.id(), RenditionId.of("360p"))).orElseThrow();
        assertThat(media.text()).contains("#EXT-X-PLAYLIST-TYPE:VOD").contains("#EXT-X-ENDLIST");
        String firstSegment = PlaylistParser.parseMedia(media.text()).segments().get(0).uri();
        RecordingPath path = RecordingPath.parse("/recordings/alice.b1/360p/" + firstSegment).orElseThrow();
        assertThat(await(library.object(path))).contains(segment(0, 0, "init-0.mp4", 1000).bytes());
        assertThat(await(library.media(summary.id(), RenditionId.of("1080p")))).isEmpty();
    }

    @Test
    void aRecordingBeingMadeIsLiveAndItsPlaylistAnEvent() throws Exception {
        Recording recording = record("alice.b2", 3, false);
        clock.set(START.plusSeconds(600)); // long after its newest segment: still live, since it is recorded here
        RecordingId id = RecordingId.parse("alice.b2").orElseThrow();
        RecordingLibrary.Summary summary = await(library.summary(id)).orElseThrow();
        assertThat(summary.endedAt()).isEmpty();
        assertThat(await(library.media(id, RenditionId.of("360p"))).orElseThrow().text()).contains("#EXT-X-PLAYLIST-TYPE:EVENT")
                .doesNotContain("ENDLIST");
        assertThat(await(library.delete(id).otherwise(error -> {
            assertThat(error).isInstanceOf(IllegalStateException.class);
            return null;
        }))).isNull();
        onLoop(() -> {
            recording.left(); // another origin goes on with it
            return null;
        });
        assertThat(recorder.recording(id)).isFalse();
    }

    @Test
    void aRecordingWhoseOriginDiedEndsAtItsNewestSegmentOnceItIsStale() throws Exception {
        record("alice.b3", 4, false);
        RecordingId id = RecordingId.parse("alice.b3").orElseThrow();
        onLoop(() -> {
            // What this origin knew is gone (it restarted): a fresh recorder, the same store.
            recorder = new StoreRecorder(store, 64L << 20, channel -> Optional.empty(), clock, new SimpleMeterRegistry());
            return null;
        });
        library = new RecordingLibrary(recorder, new RecordingSettings(root, Optional.empty(), Duration.ZERO, Duration.ZERO, 0,
                64L << 20), vertx.createSharedWorkerExecutor("recordings-test", 2), 2, STALE, clock);
        clock.set(START.plusSeconds(8).plus(STALE).minusSeconds(1));
        assertThat(await(library.summary(id)).orElseThrow().endedAt()).as("recent: another origin may record it").isEmpty();
        assertThat(await(library.delete(id).map("deleted").otherwise(error -> error.getMessage())))
                .as("not deleted while another origin may record it").contains("another origin");
        clock.set(START.plusSeconds(8).plus(STALE).plusSeconds(1));
        RecordingLibrary.Summary lost = await(library.summary(id)).orElseThrow();
        assertThat(lost.endedAt()).contains(START.plusSeconds(8));
        assertThat(new JsonObject(await(store.get("alice/b3/ended.json")).orElseThrow()).getString("incomplete")).isNotNull();
        assertThat(await(library.media(id, RenditionId.of("360p"))).orElseThrow().text()).contains("#EXT-X-ENDLIST");
    }

    @Test
    void theListIsNewestFirstAndLeavesDebrisOut() throws Exception {
        record("alice.old", 1, true);
        clock.set(START.plusSeconds(100));
        record("alice.new", 1, true);
        await(store.put("alice/debris/360p/init-0.mp4", Buffer.buffer("x"), "video/mp4"));
        record("bob.other", 1, true);
        assertThat(await(library.list(ChannelName.of("alice")))).extracting(s -> s.id().toString())
                .containsExactly("alice.new", "alice.old");
        assertThat(await(library.list(ChannelName.of("carol")))).isEmpty();
    }

    @Test
    void deletingRemovesEverythingOfOneRecording() throws Exception {
        record("alice.b4", 2, true);
        record("alice.b5", 2, true);
        assertThat(await(library.delete(RecordingId.parse("alice.b4").orElseThrow()))).isTrue();
        assertThat(await(library.delete(RecordingId.parse("alice.b4").orElseThrow()))).isFalse();
        assertThat(await(store.children("alice/"))).containsExactly("b5");
    }


    @Test
    void aRecordingIsLiveWhileAnyOfItsRenditionsGoesOn() throws Exception {
        record("alice.b6", 2, false);
        RecordingId id = RecordingId.parse("alice.b6").orElseThrow();
        // Its audio goes on long after its video stopped (the video rung went down): another origin records it.
        await(store.put("alice/b6/audio/" + new dev.vcdn.shared.recording.SegmentFile(300, START.plusSeconds(600), 2000, 0).name(),
                Buffer.buffer("late"), "video/mp4"));
        library = new RecordingLibrary(new StoreRecorder(store, 64L << 20, channel -> Optional.empty(), clock,
                new SimpleMeterRegistry()), new RecordingSettings(root, Optional.empty(), Duration.ZERO, Duration.ZERO, 0,
                64L << 20), vertx.createSharedWorkerExecutor("recordings-test", 2), 2, STALE, clock);
        clock.set(START.plusSeconds(610));
        assertThat(await(library.summary(id)).orElseThrow().endedAt()).isEmpty();
        assertThat(root.resolve("alice/b6/ended.json")).doesNotExist();
    }
}
