package dev.vcdn.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.live.PushedStreams;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void manyChannelsPushedIntoASmallCacheStayWithinItsBound() {
        long limit = 4L << 20;
        ResponseCache cache = new ResponseCache(limit, now::get);
        PushedStreams pushed = new PushedStreams(cache, Duration.ofSeconds(60), Duration.ofSeconds(2), now::get);
        byte[] part = new byte[50_000];
        for (int channel = 0; channel < 300; channel++) {
            ChannelName name = ChannelName.of("c" + channel);
            StreamId stream = StreamId.of("s" + channel);
            for (int msn = 0; msn < 2; msn++) {
                for (int index = 0; index < 6; index++) {
                    pushed.apply(new OriginEvent.PartReady(name, stream, RenditionId.of("720p"), msn, index, index == 0, 334,
                            Instant.EPOCH, part));
                }
                pushed.apply(new OriginEvent.SegmentComplete(name, stream, RenditionId.of("720p"), msn, 2004));
            }
            cache.cleanUp();
            assertThat(cache.weightedSize()).as("after channel %d", channel).isLessThanOrEqualTo(limit);
        }
        assertThat(pushed.partsReceived()).isEqualTo(300 * 12);
        assertThat(cache.size()).as("something is kept").isPositive();
        now.addAndGet(ResponseCache.RELEASE_GRACE.toNanos());
        cache.cleanUp();
        assertThat(cache.nativeBytes()).as("native memory of what is kept, the evicted freed").isPositive()
                .isLessThanOrEqualTo(cache.weightedSize());
    }

    @Test
    void aNativeBodyIsFreedOnceItsEntryLeftAndItsLastSendIsDone() {
        ResponseCache cache = new ResponseCache(1 << 20, now::get);
        CachedResponse kept = cache.put("/live/a/720p/0.0.m4s", part(1000, Duration.ofSeconds(10)));
        assertThat(kept.nativeBody()).as("kept in native memory").isPresent();
        assertThat(kept.body().getBytes()).isEqualTo(new byte[1000]);
        assertThat(cache.nativeBytes()).isEqualTo(1000);

        assertThat(kept.holdBody()).as("a send starts").isTrue();
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        cache.cleanUp();
        assertThat(cache.get("/live/a/720p/0.0.m4s")).as("expired").isEmpty();
        assertThat(kept.nativeBody().get().freed()).as("within the grace").isFalse();
        CachedResponse takenJustBefore = kept;
        assertThat(takenJustBefore.holdBody()).as("an answer taken an instant before it left is still sent").isTrue();
        takenJustBefore.releaseBody();

        now.addAndGet(ResponseCache.RELEASE_GRACE.toNanos());
        cache.cleanUp();
        assertThat(kept.nativeBody().get().freed()).as("the send still writes it").isFalse();
        assertThat(cache.nativeBytes()).isEqualTo(1000);
        kept.releaseBody();
        assertThat(kept.nativeBody().get().freed()).isTrue();
        assertThat(cache.nativeBytes()).isZero();
        assertThat(kept.holdBody()).as("freed: no send may start").isFalse();
    }

    @Test
    void aReplacedOrEvictedNativeBodyIsFreedAfterTheGrace() {
        ResponseCache cache = new ResponseCache(3000, now::get);
        CachedResponse first = cache.put("/live/a/720p/init.mp4", part(1000, Duration.ofSeconds(60)));
        CachedResponse second = cache.put("/live/a/720p/init.mp4", part(1000, Duration.ofSeconds(60)));
        for (int i = 0; i < 5; i++) {
            cache.put("/live/a/720p/" + i + ".0.m4s", part(1000, Duration.ofSeconds(60)));
        }
        cache.cleanUp();
        assertThat(cache.weightedSize()).isLessThanOrEqualTo(3000);
        assertThat(first.nativeBody().get().freed()).as("replaced, within the grace").isFalse();
        now.addAndGet(ResponseCache.RELEASE_GRACE.toNanos());
        cache.cleanUp();
        assertThat(first.nativeBody().get().freed()).as("replaced").isTrue();
        assertThat(cache.nativeBytes()).as("only what is still kept").isEqualTo(1000L * cache.size());
        assertThat(second.nativeBody().get().freed() || cache.get("/live/a/720p/init.mp4").isPresent()).isTrue();
    }

    @Test
    void aCacheKeptOnTheHeapHasNothingToFree() {
        ResponseCache cache = new ResponseCache(1 << 20, now::get, false);
        CachedResponse kept = cache.put("/live/a/720p/0.0.m4s", part(1000, Duration.ofSeconds(10)));
        assertThat(kept.nativeBody()).isEmpty();
        assertThat(kept.holdBody()).isTrue();
        assertThat(cache.nativeBytes()).isZero();
    }

    private static CachedResponse part(int bytes, Duration timeToLive) {
        return CachedResponse.ok("video/mp4", "public, max-age=300, immutable", Optional.empty(), Buffer.buffer(new byte[bytes]),
                timeToLive);
    }

    @Test
    void entriesLiveAsLongAsTheySay() {
        ResponseCache cache = new ResponseCache(1 << 20, now::get);
        cache.put("/live/a/master.m3u8", CachedResponse.ok("application/vnd.apple.mpegurl", "public, max-age=1", Optional.empty(),
                Buffer.buffer("#EXTM3U"), Duration.ofSeconds(1)));
        cache.put("/live/a/720p/0.0.m4s", CachedResponse.ok("video/mp4", "public, max-age=300, immutable", Optional.empty(),
                Buffer.buffer(new byte[100]), Duration.ofSeconds(60)));
        cache.put("/live/a/720p/index.m3u8", new CachedResponse(502, Optional.empty(), Optional.empty(), Optional.empty(),
                Buffer.buffer("bad gateway"), Duration.ofSeconds(60)));
        assertThat(cache.get("/live/a/720p/index.m3u8")).as("errors are passed on, not kept").isEmpty();
        cache.put("/live/b/master.m3u8", new CachedResponse(404, Optional.empty(), Optional.empty(), Optional.empty(),
                Buffer.buffer("not found"), Duration.ZERO).keptFor(Duration.ofSeconds(1)));
        assertThat(cache.get("/live/b/master.m3u8")).as("a 404 kept a second").isPresent();
        now.addAndGet(Duration.ofMillis(1500).toNanos());
        assertThat(cache.get("/live/a/master.m3u8")).isEmpty();
        assertThat(cache.get("/live/b/master.m3u8")).isEmpty();
        assertThat(cache.get("/live/a/720p/0.0.m4s")).isPresent();
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(cache.get("/live/a/720p/0.0.m4s")).isEmpty();
    }
}
