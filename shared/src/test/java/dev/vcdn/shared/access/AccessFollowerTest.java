package dev.vcdn.shared.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The follower against a real HTTP server that answers as a source may: the document, 304, 404, garbage, a huge body. */
class AccessFollowerTest {

    private static final Duration PERIOD = Duration.ofMillis(50);

    private final Vertx vertx = Vertx.vertx();
    /** What the source answers now: a status and a body. */
    private final AtomicReference<Map.Entry<Integer, String>> answer = new AtomicReference<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final PlaybackAccess access = new PlaybackAccess(Optional.empty(), Clock.systemUTC());
    private AccessFollower follower;

    @AfterEach
    void close() throws Exception {
        if (follower != null) {
            vertx.runOnContext(ignored -> follower.stop());
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static AccessPolicy privateOnly(String channel) {
        Map<String, PublicKey> keys = Map.of("k1", Ed25519.generate().getPublic());
        return new AccessPolicy(keys, Set.of(ChannelName.of(channel)), Set.of(), Map.of());
    }

    private void follow() throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            asked.add(request.getHeader("Authorization") + " " + request.getHeader("If-None-Match"));
            Map.Entry<Integer, String> now = answer.get();
            String etag = "\"" + Integer.toHexString(now.getValue().hashCode()) + "\"";
            if (now.getKey() == 200 && etag.equals(request.getHeader("If-None-Match"))) {
                request.response().setStatusCode(304).end();
                return;
            }
            request.response().setStatusCode(now.getKey()).putHeader("ETag", etag).end(now.getValue());
        });
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        URI source = URI.create("http://127.0.0.1:" + port + AccessPolicy.DOCUMENT_PATH);
        vertx.runOnContext(ignored -> {
            follower = new AccessFollower(vertx, vertx.createHttpClient(), () -> source, Optional.of("secret-of-the-edges"),
                    access, PERIOD);
            follower.start();
        });
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    @Test
    void aChangedDocumentIsInForceWithinAPeriodAndAnUnchangedOneCostsA304() throws Exception {
        answer.set(Map.entry(200, privateOnly("first").toJson().encode()));
        follow();
        await(() -> access.isPrivate(ChannelName.of("first")), "the first document");
        int before = asked.size();
        await(() -> asked.size() > before + 3, "polled again");
        assertThat(asked.get(asked.size() - 1)).as("with the credential and the ETag it holds")
                .startsWith("Bearer secret-of-the-edges \"");
        answer.set(Map.entry(200, privateOnly("second").toJson().encode()));
        await(() -> access.isPrivate(ChannelName.of("second")), "the changed document");
        assertThat(access.isPrivate(ChannelName.of("first"))).isFalse();
    }

    @Test
    void a404GarbageOrAHugeBodyNeverMakesEverythingPublicAndTheLastRulesStay() throws Exception {
        answer.set(Map.entry(404, "not here"));
        follow();
        await(() -> asked.size() >= 3, "polled a few times");
        assertThat(access.ready()).as("a 404 is no rules, not 'all public'").isFalse();

        answer.set(Map.entry(200, privateOnly("kept").toJson().encode()));
        await(() -> access.isPrivate(ChannelName.of("kept")), "the document");
        for (Map.Entry<Integer, String> bad : List.of(Map.entry(404, "gone"), Map.entry(200, "<html>oops</html>"),
                Map.entry(200, "{\"private\":[\"NOT A NAME\"]}"), Map.entry(500, "down"),
                Map.entry(200, "{\"private\":[\"" + "x".repeat(AccessFollower.MAX_DOCUMENT_BYTES) + "\"]}"))) {
            answer.set(bad);
            int before = asked.size();
            await(() -> asked.size() > before + 2, "polled with " + bad.getKey());
            assertThat(access.isPrivate(ChannelName.of("kept"))).as("after %d %.10s", bad.getKey(), bad.getValue()).isTrue();
        }
    }
}
