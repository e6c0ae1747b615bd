package dev.vcdn.origin.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What every recording store does, run against each real one. */
abstract class RecordingStoreContract {

    protected final Vertx vertx = Vertx.vertx();
    protected final WorkerExecutor workers = vertx.createSharedWorkerExecutor("recordings-test", 2);

    /** A fresh, empty store. */
    abstract RecordingStore store() throws Exception;

    @AfterEach
    void closeVertx() throws Exception {
        await(vertx.close());
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void whatIsPutIsGotBackByteForByte() throws Exception {
        RecordingStore store = store();
        byte[] segment = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(segment);
        await(store.put("alice/b1/720p/1_1000_2000_0.m4s", Buffer.buffer(segment), "video/mp4"));
        assertThat(await(store.get("alice/b1/720p/1_1000_2000_0.m4s")).orElseThrow().getBytes()).isEqualTo(segment);
        await(store.put("alice/b1/720p/1_1000_2000_0.m4s", Buffer.buffer("again"), "video/mp4"));
        assertThat(await(store.get("alice/b1/720p/1_1000_2000_0.m4s")).orElseThrow().toString()).isEqualTo("again");
        assertThat(await(store.get("alice/b1/720p/2_1000_2000_0.m4s"))).isEmpty();
    }

    @Test
    void childrenAreTheNamesOneLevelDownAndObjectsEverythingBelow() throws Exception {
        RecordingStore store = store();
        for (String key : List.of("alice/b1/recording.json", "alice/b1/720p/rendition.json", "alice/b1/720p/init-1.mp4",
                "alice/b1/720p/1_1000_2000_0.m4s", "alice/b2/recording.json", "bob/b3/recording.json")) {
            await(store.put(key, Buffer.buffer(key), "application/octet-stream"));
        }
        assertThat(await(store.children(""))).containsExactlyInAnyOrder("alice", "bob");
        assertThat(await(store.children("alice/"))).containsExactlyInAnyOrder("b1", "b2");
        assertThat(await(store.children("alice/b1/"))).containsExactlyInAnyOrder("recording.json", "720p");
        assertThat(await(store.children("alice/b1/720p/")))
                .containsExactlyInAnyOrder("rendition.json", "init-1.mp4", "1_1000_2000_0.m4s");
        assertThat(await(store.children("carol/"))).isEmpty();
        assertThat(await(store.size("alice/b1/"))).isEqualTo(List.of("alice/b1/recording.json", "alice/b1/720p/rendition.json",
                "alice/b1/720p/init-1.mp4", "alice/b1/720p/1_1000_2000_0.m4s").stream().mapToLong(String::length).sum());
        assertThat(await(store.size("carol/"))).isZero();

        await(store.deleteAll("alice/b1/"));
        assertThat(await(store.children("alice/"))).containsExactly("b2");
        assertThat(await(store.get("alice/b1/recording.json"))).isEmpty();
        await(store.deleteAll("nobody/b9/"));
    }

    @Test
    void aListingLongerThanOnePageIsWhole() throws Exception {
        RecordingStore store = store();
        int count = 1_100;
        Future<?> writes = Future.succeededFuture();
        for (int i = 0; i < count; i += 50) {
            int from = i;
            writes = writes.compose(ignored -> Future.all(java.util.stream.IntStream.range(from, Math.min(count, from + 50))
                    .mapToObj(n -> store.put("c/b/r/" + n + "_1000_2000_0.m4s", Buffer.buffer("x"), "video/mp4")).toList()));
        }
        await(writes);
        assertThat(await(store.children("c/b/r/"))).hasSize(count);
        assertThat(await(store.size("c/"))).isEqualTo(count);
        await(store.deleteAll("c/b/"));
        assertThat(await(store.children("c/b/r/"))).isEmpty();
    }

    @Test
    void keysThatWouldLeaveTheStoreAreRefused() throws Exception {
        RecordingStore store = store();
        for (String key : List.of("../etc/passwd", "/etc/passwd", "a//b", "a/b c", "a\\b", "")) {
            assertThatThrownBy(() -> store.put(key, Buffer.buffer("x"), "text/plain")).as(key)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store.children("alice")).isInstanceOf(IllegalArgumentException.class);
    }
}
