package dev.vcdn.origin.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the cluster's maps say of a member that has left: its streams no longer stand, its broadcasts wait. */
class LeftMemberTest {

    private final Vertx vertx = Vertx.vertx();
    private final Set<String> alive = ConcurrentHashMap.newKeySet();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A member of a cluster whose living members are {@link #alive}. */
    private ClusterMembers member(String id) {
        alive.add(id);
        return new ClusterMembers() {
            @Override
            public String self() {
                return id;
            }

            @Override
            public boolean alive(String member) {
                return alive.contains(member);
            }
        };
    }

    private static StreamTarget stream(StreamId id, String node) {
        return new StreamTarget(ChannelName.of("dave"), id, node, Instant.parse("2026-01-01T00:00:00Z"), SourceInfo.UNKNOWN,
                List.of("source"), StreamTarget.State.LIVE, false);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStreamOfAMemberThatLeftIsTakenOverWhileOneOfALivingMemberIsNot() throws Exception {
        StreamRegistry a = new StreamRegistry(vertx, Duration.ofMinutes(1), member("a"));
        StreamRegistry b = new StreamRegistry(vertx, Duration.ofMinutes(1), member("b"));
        StreamId onB = StreamId.random();
        await(b.claim(stream(onB, "http://b")));

        assertThatThrownBy(() -> await(a.claim(stream(StreamId.random(), "http://a"))))
                .as("refused while B is alive").isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(PublishRefusedException.class);
        assertThat(await(a.holder(ChannelName.of("dave")))).get().extracting(StreamTarget::streamId).isEqualTo(onB);

        alive.remove("b"); // its entry still has a minute to live
        assertThat(await(a.holder(ChannelName.of("dave")))).as("a stream of a member that left").isEmpty();
        assertThat(await(a.live())).isEmpty();
        StreamId onA = StreamId.random();
        await(a.claim(stream(onA, "http://a")));
        assertThat(await(a.holder(ChannelName.of("dave")))).get().extracting(StreamTarget::streamId).isEqualTo(onA);
    }

    @Test
    void aBroadcastRecordIsKeptByItsOwnerAndReadAsAnotherOriginsByTheRest() throws Exception {
        BroadcastLedger a = new BroadcastLedger(vertx, member("a"), () -> "http://a");
        BroadcastLedger b = new BroadcastLedger(vertx, member("b"), () -> "http://b");
        ChannelName dave = ChannelName.of("dave");
        StreamId broadcast = StreamId.random();
        BroadcastRecord ofB = b.recordOf(dave, broadcast, 1, 12, true);
        await(b.write(ofB, Duration.ofMinutes(1)));

        BroadcastRecord found = await(a.find(dave)).orElseThrow();
        assertThat(a.isOwn(found)).isFalse();
        assertThat(b.isOwn(found)).isTrue();
        assertThat(found.node()).isEqualTo("http://b");
        assertThat(a.ownerAlive(found)).isTrue();
        alive.remove("b");
        assertThat(a.ownerAlive(found)).as("its origin died: the broadcast goes on wherever its publisher returns").isFalse();

        // A goes on with it; B, still running after all, must not write over A's record nor remove it.
        await(a.write(a.recordOf(dave, broadcast, 2, 14, false), Duration.ofMinutes(1)));
        assertThat(await(b.keep(ofB, Duration.ofMinutes(1)))).as("A's record, left as it is").get()
                .extracting(BroadcastRecord::node).isEqualTo("http://a");
        await(b.remove(ofB));
        assertThat(await(b.find(dave))).get().extracting(BroadcastRecord::nextMsn).isEqualTo(14L);
    }

    @Test
    void aMalformedBroadcastRecordCountsAsNone() throws Exception {
        BroadcastLedger a = new BroadcastLedger(vertx, member("a"), () -> "http://a");
        await(vertx.sharedData().<String, io.vertx.core.json.JsonObject>getAsyncMap(BroadcastLedger.MAP_NAME).compose(map ->
                map.put("dave", a.recordOf(ChannelName.of("erin"), StreamId.random(), 0, 1, true).toJson())));
        assertThat(await(a.find(ChannelName.of("dave")))).as("recorded under another channel's name").isEmpty();
        await(vertx.sharedData().<String, io.vertx.core.json.JsonObject>getAsyncMap(BroadcastLedger.MAP_NAME).compose(map ->
                map.put("dave", a.recordOf(ChannelName.of("dave"), StreamId.random(), 0, 1, true).toJson()
                        .put("nextMsn", Long.MAX_VALUE))));
        assertThat(await(a.find(ChannelName.of("dave")))).as("a number no player could hold").isEmpty();
    }
}
