package dev.vcdn.origin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class BuiltInAuthServiceTest {

    private static final String TOKEN = "admin-token-for-tests-123";

    private ChannelStore store;
    private WebClient client;
    private int port;

    @BeforeEach
    void start(Vertx vertx, VertxTestContext test, @TempDir Path dataDir) throws Exception {
        store = ChannelStore.open(dataDir);
        Router router = Router.router(vertx);
        router.route().failureHandler(new dev.vcdn.shared.http.ErrorRenderer());
        new BuiltInAuthService(vertx, store, TOKEN, new MutableClock()).mount(router);
        client = WebClient.create(vertx);
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onComplete(test.succeeding(server -> {
            port = server.actualPort();
            test.completeNow();
        }));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private Future<HttpResponse<Buffer>> call(HttpMethod method, String path, JsonObject body, String token) {
        var request = client.request(method, port, "127.0.0.1", path);
        if (token != null) {
            request.bearerTokenAuthentication(token);
        }
        return body == null ? request.send() : request.sendJsonObject(body);
    }

    private Future<HttpResponse<Buffer>> admin(HttpMethod method, String path, JsonObject body) {
        return call(method, path, body, TOKEN);
    }

    private Future<HttpResponse<Buffer>> publish(String key, String from) {
        return admin(HttpMethod.POST, "/auth/publish", new JsonObject().put("protocol", "rtmp").put("app", "live")
                .put("streamKey", key).put("remoteAddress", from));
    }

    @Test
    void theAdminApiNeedsTheToken(VertxTestContext test) {
        Future.all(
                call(HttpMethod.GET, "/api/channels", null, null),
                call(HttpMethod.GET, "/api/channels", null, "wrong-token"),
                call(HttpMethod.POST, "/auth/publish", new JsonObject(), null))
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    for (int i = 0; i < 3; i++) {
                        assertThat(all.<HttpResponse<Buffer>>resultAt(i).statusCode()).isEqualTo(401);
                    }
                    test.completeNow();
                })));
    }

    @Test
    void channelLifecycleCreateListPublishRotateDelete(VertxTestContext test) {
        admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "alice").put("av1", true))
                .compose(created -> {
                    test.verify(() -> {
                        assertThat(created.statusCode()).isEqualTo(201);
                        assertThat(created.bodyAsJsonObject().getString("streamKey")).startsWith("sk_").hasSizeGreaterThan(40);
                    });
                    String key = created.bodyAsJsonObject().getString("streamKey");
                    return Future.all(List.of(
                            admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "alice")),
                            admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "Not Valid")),
                            admin(HttpMethod.GET, "/api/channels", null),
                            publish(key, "10.0.0.1")))
                            .map(all -> {
                                test.verify(() -> {
                                    assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).as("duplicate").isEqualTo(409);
                                    assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).as("invalid name").isEqualTo(400);
                                    JsonArray list = all.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonArray();
                                    assertThat(list.getJsonObject(0).getString("channel")).isEqualTo("alice");
                                    assertThat(list.encode()).as("keys are never shown again").doesNotContain(key);
                                    JsonObject grant = all.<HttpResponse<Buffer>>resultAt(3).bodyAsJsonObject();
                                    assertThat(grant.getString("channel")).isEqualTo("alice");
                                    assertThat(grant.getString("streamId")).isNotBlank();
                                    assertThat(grant.getJsonObject("features").getJsonArray("codecs")).containsExactly("h264", "av1");
                                });
                                return key;
                            });
                })
                .compose(oldKey -> admin(HttpMethod.POST, "/api/channels/alice/key", null).compose(rotated -> {
                    String newKey = rotated.bodyAsJsonObject().getString("streamKey");
                    return Future.all(publish(oldKey, "10.0.0.1"), publish(newKey, "10.0.0.1")).map(all -> {
                        test.verify(() -> {
                            assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).as("old key after rotation").isEqualTo(403);
                            assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).as("new key").isEqualTo(200);
                        });
                        return newKey;
                    });
                }))
                .compose(key -> admin(HttpMethod.DELETE, "/api/channels/alice", null)
                        .compose(deleted -> publish(key, "10.0.0.1").map(after -> List.of(deleted, after))))
                .onComplete(test.succeeding(responses -> test.verify(() -> {
                    assertThat(responses.get(0).statusCode()).isEqualTo(204);
                    assertThat(responses.get(1).statusCode()).as("key of a deleted channel").isEqualTo(403);
                    test.completeNow();
                })));
    }

    @Test
    void repeatedWrongKeysFromOneAddressAreSlowedDown(VertxTestContext test) {
        admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "carol"))
                .compose(created -> {
                    String key = created.bodyAsJsonObject().getString("streamKey");
                    Future<?> wrongKeys = Future.succeededFuture();
                    for (int i = 0; i < 5; i++) {
                        wrongKeys = wrongKeys.compose(ignored -> publish("sk_guess", "203.0.113.9"));
                    }
                    return wrongKeys.compose(ignored -> Future.all(publish(key, "203.0.113.9"), publish(key, "198.51.100.1")));
                })
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).as("the guessing address").isEqualTo(429);
                    assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).as("another address").isEqualTo(200);
                    test.completeNow();
                })));
    }

    @Test
    void unknownApplicationsAndMalformedBodiesAreRefused(VertxTestContext test) {
        Future.all(
                admin(HttpMethod.POST, "/auth/publish", new JsonObject().put("app", "other").put("streamKey", "x")),
                client.post(port, "127.0.0.1", "/auth/publish").bearerTokenAuthentication(TOKEN).sendBuffer(Buffer.buffer("{not json")),
                client.post(port, "127.0.0.1", "/api/channels").bearerTokenAuthentication(TOKEN)
                        .sendBuffer(Buffer.buffer("{\"name\":\"" + "a".repeat(5000) + "\"}")))
                .onComplete(test.succeeding(all -> test.verify(() -> {
                    assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).isEqualTo(404);
                    assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(400);
                    assertThat(all.<HttpResponse<Buffer>>resultAt(2).statusCode()).as("body over the limit").isEqualTo(413);
                    test.completeNow();
                })));
    }
}
