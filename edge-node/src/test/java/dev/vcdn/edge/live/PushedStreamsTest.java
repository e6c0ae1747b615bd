package dev.vcdn.edge.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.cache.CachedResponse;
import dev.vcdn.edge.cache.ResponseCache;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.events.OriginEvent.PlaylistUpdate;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class PushedStreamsTest {

    private static final ChannelName ALICE = ChannelName.of("alice");
    private static final StreamId STREAM = StreamId.of("s-1");
    private static final RenditionId HD = RenditionId.of("720p");

    /** A viewer that stays for its answer. */
    private static final BooleanSupplier STAYS = () -> false;

    private final AtomicLong now = new AtomicLong();
    private final ResponseCache cache = new ResponseCache(64 << 20, now::get);
    private final PushedStreams pushed = new PushedStreams(cache, Duration.ofSeconds(60), Duration.ofSeconds(2), now::get);

    private static PlaylistUpdate playlist(StreamId stream, long msn, int part, boolean complete, boolean ended) {
        return new PlaylistUpdate(ALICE, stream, HD, msn, part, complete, ended, "#EXTM3U\n#" + msn + "." + part, "#EXTM3U\n#skip");
    }

    private void part(long msn, int index, byte[] bytes) {
        pushed.apply(new OriginEvent.PartReady(ALICE, STREAM, HD, msn, index, index == 0, 334, Instant.EPOCH, bytes));
    }

    @Test
    void aBlockingReloadIsAnsweredByTheFirstPlaylistThatHasItsPart() {
        pushed.apply(new OriginEvent.StreamStarted(ALICE, STREAM, 2, 0.334));
        pushed.apply(playlist(STREAM, 4, 2, false, false));
        Future<PlaylistUpdate> waiting = pushed.awaitPlaylist(ALICE, HD, 4, OptionalInt.of(4), STAYS);
        assertThat(pushed.waiting()).isEqualTo(1);
        pushed.apply(playlist(STREAM, 4, 3, false, false));
        assertThat(waiting.isComplete()).isFalse();
        pushed.apply(playlist(STREAM, 4, 4, false, false));
        assertThat(waiting.result().playlist()).endsWith("#4.4");
        assertThat(pushed.waiting()).isZero();
        pushed.apply(playlist(STREAM, 4, 3, false, false));
        assertThat(pushed.current(ALICE, HD).orElseThrow().playlist().orElseThrow().lastPart())
                .as("a late duplicate does not go back").isEqualTo(4);
        assertThat(pushed.blockingTimeout(ALICE)).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void theSameLiveEdgeToldAgainWithAnotherPlaylistReplacesIt() {
        pushed.apply(new OriginEvent.StreamStarted(ALICE, STREAM, 2, 0.334));
        pushed.apply(new PlaylistUpdate(ALICE, STREAM, HD, 9, 0, true, false, "#EXTM3U\n#hint 10.0", "#EXTM3U\n#skip"));
        pushed.apply(new PlaylistUpdate(ALICE, STREAM, HD, 9, 0, true, false, "#EXTM3U\n#no hint", "#EXTM3U\n#skip"));
        assertThat(pushed.current(ALICE, HD).orElseThrow().playlist().orElseThrow().playlist())
                .as("the publisher left: the hint is withdrawn at the same live edge").endsWith("#no hint");
        pushed.apply(new PlaylistUpdate(ALICE, STREAM, HD, 9, 0, false, false, "#EXTM3U\n#stale open", "#EXTM3U\n#skip"));
        assertThat(pushed.current(ALICE, HD).orElseThrow().playlist().orElseThrow().playlist())
                .as("a late update from before the segment closed does not go back").endsWith("#no hint");
    }

    @Test
    void eachPushedPlaylistIsMadeIntoAnAnswerAndGzippedOnceForEveryViewer() {
        pushed.apply(new OriginEvent.StreamStarted(ALICE, STREAM, 2, 0.334));
        String text = "#EXTM3U\n" + "#EXT-X-PART:DURATION=0.33334,URI=\"1.0.m4s\"\n".repeat(40);
        pushed.apply(new PlaylistUpdate(ALICE, STREAM, HD, 1, 0, false, false, text, "#EXTM3U\n#skip"));
        PushedRendition state = pushed.current(ALICE, HD).orElseThrow();
        PlaylistUpdate first = state.playlist().orElseThrow();
        CachedResponse answer = state.answer(first, false, true);
        assertThat(answer.gzipped()).as("gzipped once").isPresent();
        assertThat(state.answer(first, false, true)).as("shared by every viewer").isSameAs(answer);
        assertThat(answer.cacheControl()).contains(dev.vcdn.shared.http.PlaybackHeaders.BLOCKING_PLAYLIST);
        assertThat(state.answer(first, true, false).body().toString()).isEqualTo("#EXTM3U\n#skip");
        pushed.apply(new PlaylistUpdate(ALICE, STREAM, HD, 1, 1, false, false, text + "#more\n", "#EXTM3U\n#skip"));
        assertThat(state.answer(state.playlist().orElseThrow(), false, true).body().toString()).as("the next push").endsWith("#more\n");
        assertThat(state.answer(first, false, true)).as("an older playlist is made per request").isNotSameAs(answer);
    }

    @Test
    void partsGoToTheCacheAndCompleteSegmentsAreAssembledFromThem() {
        part(7, 0, new byte[] {1, 2});
        Future<Buffer> next = pushed.awaitPart(ALICE, HD, 7, 1, STAYS);
        assertThat(next.isComplete()).as("no playlist yet: not current").isTrue();
        pushed.apply(playlist(STREAM, 7, 0, false, false));
        next = pushed.awaitPart(ALICE, HD, 7, 1, STAYS);
        assertThat(next.isComplete()).isFalse();
        part(7, 1, new byte[] {3});
        assertThat(next.result().getBytes()).containsExactly(3);
        pushed.apply(new OriginEvent.SegmentComplete(ALICE, STREAM, HD, 7, 668));
        assertThat(cache.get("/live/alice/720p/7.m4s").orElseThrow().body().getBytes()).containsExactly(1, 2, 3);
        assertThat(cache.get("/live/alice/720p/7.1.m4s").orElseThrow().etag()).contains("\"s-1/alice/720p/7.1.m4s\"");
    }

    @Test
    void aHintedPartThatNeverComesIsAbsentOnceItsSegmentCloses() {
        part(5, 0, new byte[] {1});
        pushed.apply(playlist(STREAM, 5, 0, false, false));
        Future<Buffer> hinted = pushed.awaitPart(ALICE, HD, 5, 1, STAYS);
        pushed.apply(playlist(STREAM, 5, 0, true, false));
        assertThat(((PushUnavailable) hinted.cause()).reason()).as("404, as the origin answers").isEqualTo(PushUnavailable.Reason.ABSENT);

        Future<Buffer> unknown = pushed.awaitPart(ALICE, HD, 6, 2, STAYS);
        part(6, 1, new byte[] {2});
        pushed.apply(playlist(STREAM, 7, 0, false, false));
        assertThat(((PushUnavailable) unknown.cause()).reason()).as("joined mid-segment: ask upstream")
                .isEqualTo(PushUnavailable.Reason.LOST);
    }

    @Test
    void aSegmentWithAMissedPartIsNotAssembled() {
        part(3, 0, new byte[] {1});
        part(3, 2, new byte[] {3});
        pushed.apply(new OriginEvent.SegmentComplete(ALICE, STREAM, HD, 3, 1002));
        assertThat(cache.get("/live/alice/720p/3.m4s")).isEmpty();
        assertThat(cache.get("/live/alice/720p/3.2.m4s")).as("the part itself is fine").isPresent();
    }

    @Test
    void waitersAreReleasedWhenTheStreamEndsOrPushesStop() {
        pushed.apply(playlist(STREAM, 1, 0, false, false));
        Future<PlaylistUpdate> ended = pushed.awaitPlaylist(ALICE, HD, 2, OptionalInt.of(0), STAYS);
        Future<Buffer> hinted = pushed.awaitPart(ALICE, HD, 2, 0, STAYS);
        pushed.apply(playlist(STREAM, 1, 5, true, true));
        assertThat(ended.result().ended()).as("the final playlist answers every blocking reload").isTrue();
        assertThat(pushed.awaitPlaylist(ALICE, HD, 3, OptionalInt.of(1), STAYS).result().ended()).as("and never blocks").isTrue();
        assertThat(((PushUnavailable) hinted.cause()).reason()).isEqualTo(PushUnavailable.Reason.ENDED);

        pushed.apply(playlist(StreamId.of("s-2"), 1, 0, false, false));
        Future<PlaylistUpdate> silent = pushed.awaitPlaylist(ALICE, HD, 3, OptionalInt.of(0), STAYS);
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(pushed.current(ALICE, HD)).as("stale").isEmpty();
        pushed.dropStale();
        assertThat(((PushUnavailable) silent.cause()).reason()).isEqualTo(PushUnavailable.Reason.LOST);
    }

    @Test
    void theSweepLetsGoOfHeldRequestsPastTheBlockingTimeoutAndOfViewersThatLeft() {
        pushed.apply(new OriginEvent.StreamStarted(ALICE, STREAM, 2, 0.334));
        pushed.apply(playlist(STREAM, 1, 0, false, false));
        AtomicBoolean left = new AtomicBoolean();
        Future<PlaylistUpdate> patient = pushed.awaitPlaylist(ALICE, HD, 2, OptionalInt.of(0), STAYS);
        Future<Buffer> leaving = pushed.awaitPart(ALICE, HD, 1, 1, left::get);
        pushed.expireWaiters();
        assertThat(patient.isComplete()).isFalse();
        assertThat(leaving.isComplete()).isFalse();

        left.set(true);
        pushed.expireWaiters();
        assertThat(((PushUnavailable) leaving.cause()).reason()).as("its viewer closed the connection")
                .isEqualTo(PushUnavailable.Reason.GONE);
        assertThat(pushed.waiting()).isEqualTo(1);

        // Kept fresh by pushes, but nothing satisfies it: 3 target durations (6 s) after it came.
        for (int second = 1; second <= 5; second++) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            pushed.apply(playlist(STREAM, 1, second, false, false));
            pushed.expireWaiters();
        }
        assertThat(patient.isComplete()).as("5 s held").isFalse();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        pushed.expireWaiters();
        assertThat(((PushUnavailable) patient.cause()).reason()).isEqualTo(PushUnavailable.Reason.TIMEOUT);
        assertThat(pushed.waiting()).isZero();
    }

    @Test
    void aNewStreamOnTheChannelSendsTheOldWaitersUpstream() {
        pushed.apply(playlist(STREAM, 1, 0, false, false));
        Future<PlaylistUpdate> waiting = pushed.awaitPlaylist(ALICE, HD, 1, OptionalInt.of(3), STAYS);
        pushed.apply(new OriginEvent.StreamStarted(ALICE, StreamId.of("s-2"), 2, 0.334));
        assertThat(((PushUnavailable) waiting.cause()).reason()).isEqualTo(PushUnavailable.Reason.LOST);
    }

    @Test
    void anInitSegmentIsCachedUnderTheNameOfTheSegmentItStartsAt() {
        byte[] init = {0, 0, 0, 8, 'f', 't', 'y', 'p'};
        pushed.apply(new OriginEvent.Init(ALICE, STREAM, HD, "video", "avc1.64001f", 1280, 720, 30, 3_000_000, 4_500_000,
                java.util.OptionalLong.of(42), init));
        assertThat(cache.get("/live/alice/720p/init-42.mp4")).hasValueSatisfying(response ->
                assertThat(response.body().getBytes()).isEqualTo(init));
        assertThat(cache.get("/live/alice/720p/init.mp4")).isEmpty();
    }
}
