package dev.vcdn.origin.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every registry must do, whether its map is local or shared by a cluster: subclasses give
 * two nodes' Vert.x (the same instance when local).
 */
abstract class StreamRegistryContract {

    /**
     * Long enough that no test but the expiry one can see an entry expire, however slow a shared
     * CI machine is between two map operations (1 s once failed a refresh on a loaded runner).
     */
    static final Duration TTL = Duration.ofSeconds(60);
    static final Duration SHORT_TTL = Duration.ofSeconds(1);

    /** Node A's and node B's Vert.x (the same instance when local). */
    abstract Vertx vertxA();

    abstract Vertx vertxB();

    StreamRegistry nodeA() {
        return new StreamRegistry(vertxA(), TTL);
    }

    StreamRegistry nodeB() {
        return new StreamRegistry(vertxB(), TTL);
    }

    static StreamTarget target(String channel, StreamId id, String node) {
        return new StreamTarget(ChannelName.of(channel), id, node, Instant.parse("2026-01-01T00:00:00Z"), SourceInfo.UNKNOWN,
                List.of("source", "720p"), StreamTarget.State.STARTING, false);
    }

    @Test
    void oneLivePublisherPerChannelAcrossNodes(VertxTestContext test) {
        StreamId first = StreamId.random();
        StreamId second = StreamId.random();
        nodeA().claim(target("alice", first, "a"))
                .compose(claimed -> nodeB().claim(target("alice", second, "b")).transform(result -> Future.succeededFuture(result)))
                .compose(secondClaim -> nodeB().live().map(live -> List.of(secondClaim, live)))
                .onComplete(test.succeeding(results -> test.verify(() -> {
                    var secondClaim = (io.vertx.core.AsyncResult<?>) results.get(0);
                    assertThat(secondClaim.failed()).isTrue();
                    assertThat(((PublishRefusedException) secondClaim.cause()).reason())
                            .isEqualTo(PublishRefusedException.Reason.ALREADY_LIVE);
                    @SuppressWarnings("unchecked")
                    List<StreamTarget> live = (List<StreamTarget>) results.get(1);
                    assertThat(live).extracting(StreamTarget::streamId).containsExactly(first);
                    test.completeNow();
                })));
    }

    @Test
    void aPrimaryTakesTheChannelBackFromItsBackupButNotTheOtherWayRound(VertxTestContext test) {
        StreamId backup = StreamId.random();
        StreamId primary = StreamId.random();
        StreamId anotherBackup = StreamId.random();
        StreamTarget backupTarget = backup(target("alice", backup, "a"));
        nodeA().claim(backupTarget)
                .compose(claimed -> nodeB().claim(backup(target("alice", anotherBackup, "b"))).transform(Future::succeededFuture))
                .compose(secondBackup -> nodeB().claim(target("alice", primary, "b")).map(secondBackup))
                .compose(secondBackup -> nodeA().refresh(backupTarget).compose(backupStillHolds -> nodeB().holder(ChannelName.of("alice"))
                        .map(holder -> List.of(secondBackup, backupStillHolds, holder))))
                .onComplete(test.succeeding(results -> test.verify(() -> {
                    assertThat(((io.vertx.core.AsyncResult<?>) results.get(0)).failed())
                            .as("a backup never takes a backup's channel").isTrue();
                    assertThat(results.get(1)).as("the backup's entry is gone: it sees the primary took over").isEqualTo(false);
                    assertThat(((Optional<?>) results.get(2))).get().extracting(t -> ((StreamTarget) t).streamId()).isEqualTo(primary);
                    test.completeNow();
                })));
    }

    private static StreamTarget backup(StreamTarget target) {
        return new StreamTarget(target.channel(), target.streamId(), target.node(), target.startedAt(), target.source(),
                target.renditions(), target.state(), true);
    }

    @Test
    void onlyTheHolderRefreshesOrReleases(VertxTestContext test) {
        StreamId holder = StreamId.random();
        StreamId other = StreamId.random();
        StreamTarget held = target("bob", holder, "a");
        nodeA().claim(held)
                .compose(v -> nodeB().refresh(target("bob", other, "b")))
                .compose(refreshedByOther -> nodeA().refresh(held.with(new SourceInfo("avc1", 1280, 720, 30, "mp4a"),
                        StreamTarget.State.LIVE)).map(refreshedByHolder -> List.of(refreshedByOther, refreshedByHolder)))
                .compose(refreshes -> nodeB().release(ChannelName.of("bob"), other).compose(v -> nodeB().live())
                        .map(afterForeignRelease -> List.of(refreshes, afterForeignRelease)))
                .compose(results -> nodeA().release(ChannelName.of("bob"), holder).compose(v -> nodeB().live())
                        .map(afterRelease -> List.of(results.get(0), results.get(1), afterRelease)))
                .onComplete(test.succeeding(results -> test.verify(() -> {
                    assertThat(results.get(0)).isEqualTo(List.of(false, true));
                    @SuppressWarnings("unchecked")
                    List<StreamTarget> stillThere = (List<StreamTarget>) results.get(1);
                    assertThat(stillThere).singleElement().satisfies(t -> {
                        assertThat(t.state()).isEqualTo(StreamTarget.State.LIVE);
                        assertThat(t.source().height()).isEqualTo(720);
                    });
                    assertThat((List<?>) results.get(2)).isEmpty();
                    test.completeNow();
                })));
    }

    @Test
    void anEntryThatIsNotRefreshedDisappears(VertxTestContext test) {
        new StreamRegistry(vertxA(), SHORT_TTL).claim(target("carol", StreamId.random(), "a"))
                .compose(v -> vertxA().timer(SHORT_TTL.toMillis() * 2))
                .compose(v -> nodeB().live())
                .onComplete(test.succeeding(live -> test.verify(() -> {
                    assertThat(live).as("a node that died stops refreshing; its streams go").isEmpty();
                    test.completeNow();
                })));
    }

    @Test
    void aMalformedEntryCostsOnlyItsOwnChannel(VertxTestContext test) {
        StreamId good = StreamId.random();
        // What a publisher's NaN frame rate once put into the map, and entries of no known shape.
        JsonObject nanRate = target("bad", StreamId.random(), "b").toJson();
        nanRate.getJsonObject("source").put("fps", "NaN");
        JsonObject noState = target("nostate", StreamId.random(), "b").toJson();
        noState.remove("state");
        JsonObject notAName = target("odd", StreamId.random(), "b").toJson().put("channel", "../../etc");
        vertxB().sharedData().<String, JsonObject>getAsyncMap(StreamRegistry.MAP_NAME)
                .compose(map -> map.put("bad", nanRate).compose(v -> map.put("nostate", noState))
                        .compose(v -> map.put("odd", notAName)))
                .compose(v -> nodeA().claim(target("good", good, "a")))
                .compose(v -> Future.all(nodeA().live(), nodeA().holder(ChannelName.of("good")),
                        nodeA().holder(ChannelName.of("bad")), nodeA().holder(ChannelName.of("nobody"))))
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    List<StreamTarget> live = all.resultAt(0);
                    assertThat(live).extracting(StreamTarget::streamId).containsExactly(good);
                    Optional<StreamTarget> holderOfGood = all.resultAt(1);
                    assertThat(holderOfGood).map(StreamTarget::node).contains("a");
                    assertThat(all.<Optional<StreamTarget>>resultAt(2)).isEmpty();
                    assertThat(all.<Optional<StreamTarget>>resultAt(3)).isEmpty();
                    test.completeNow();
                })));
    }
}
