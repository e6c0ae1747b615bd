package dev.vcdn.origin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.testing.MutableClock;
import dev.vcdn.shared.access.AccessPolicy;
import dev.vcdn.shared.access.PlaybackAccess;
import dev.vcdn.shared.access.PlaybackToken;
import dev.vcdn.shared.access.TokenRefused;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playback-access admin API against a real auth database, driven as an operator would over HTTP. */
class PlaybackAdminTest {

    private static final String TOKEN = "admin-token-for-tests-123";

    private final MutableClock clock = new MutableClock();
    private Vertx vertx;
    private ChannelStore store;
    private WebClient client;
    private int port;

    @BeforeEach
    void start(@TempDir Path dataDir) throws Exception {
        vertx = Vertx.vertx();
        store = ChannelStore.open(dataDir);
        Router router = Router.router(vertx);
        router.route().failureHandler(new dev.vcdn.shared.http.ErrorRenderer());
        new BuiltInAuthService(vertx, store, TOKEN, clock).mount(router);
        client = WebClient.create(vertx);
        port = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        await(vertx.close());
        store.close();
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> admin(HttpMethod method, String path, JsonObject body) throws Exception {
        var request = client.request(method, port, "127.0.0.1", path).bearerTokenAuthentication(TOKEN);
        return await(body == null ? request.send() : request.sendJsonObject(body));
    }

    private AccessPolicy document() throws Exception {
        HttpResponse<Buffer> response = admin(HttpMethod.GET, "/auth/access", null);
        assertThat(response.statusCode()).isEqualTo(200);
        return AccessPolicy.fromJson(response.bodyAsJsonObject());
    }

    private int check(String channel, String token) throws Exception {
        PlaybackAccess access = new PlaybackAccess(Optional.empty(), clock);
        access.install(document());
        try {
            access.check(ChannelName.of(channel), token, () -> "127.0.0.1");
            return 200;
        } catch (TokenRefused refused) {
            return refused.status();
        }
    }

    private JsonObject mint(String channel) throws Exception {
        HttpResponse<Buffer> minted = admin(HttpMethod.POST, "/api/channels/" + channel + "/playback-tokens",
                new JsonObject().put("ttl", "2h"));
        assertThat(minted.statusCode()).isEqualTo(201);
        return minted.bodyAsJsonObject();
    }

    @Test
    void aPrivateChannelGetsTokensWhosePathsPlayItAndNothingElse() throws Exception {
        assertThat(admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "vip").put("private", true))
                .bodyAsJsonObject().getBoolean("private")).isTrue();
        admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "pub"));

        JsonObject minted = mint("vip");
        String token = minted.getString("token");
        assertThat(minted.getString("master")).isEqualTo("/t/" + token + "/live/vip/master.m3u8");
        assertThat(minted.getString("watch")).isEqualTo("/t/" + token + "/watch/vip");
        assertThat(minted.getString("expiresAt")).isEqualTo(clock.instant().plus(Duration.ofHours(2)).toString());
        assertThat(PlaybackToken.parse(token).claims().channel()).isEqualTo("vip");

        assertThat(document().privateChannels()).containsExactly(ChannelName.of("vip"));
        assertThat(check("vip", token)).isEqualTo(200);
        assertThat(check("vip", null)).isEqualTo(401);
        assertThat(check("pub", null)).isEqualTo(200);
        assertThat(check("vip", mint("pub").getString("token"))).as("a token of another channel").isEqualTo(403);

        assertThat(admin(HttpMethod.POST, "/api/channels/nobody/playback-tokens", null).statusCode()).isEqualTo(404);
        assertThat(admin(HttpMethod.POST, "/api/channels/vip/playback-tokens", new JsonObject().put("ttl", "forever"))
                .statusCode()).isEqualTo(400);
        assertThat(admin(HttpMethod.POST, "/api/channels/vip/playback-tokens", new JsonObject().put("ttl", "90d"))
                .statusCode()).isEqualTo(400);
        assertThat(await(client.post(port, "127.0.0.1", "/api/channels/vip/playback-tokens").send()).statusCode())
                .as("minting needs the admin token").isEqualTo(401);
    }

    @Test
    void recordingIsSwitchedOnAndOffWithTheSamePatch() throws Exception {
        admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "show"));
        HttpResponse<Buffer> patched = admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject().put("recording", true));
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.bodyAsJsonObject().getBoolean("recording")).isTrue();
        assertThat(admin(HttpMethod.GET, "/api/channels", null).bodyAsJsonArray().getJsonObject(0).getJsonObject("features")
                .getBoolean("recording")).isTrue();
        assertThat(admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject().put("recording", false).put("private", true))
                .statusCode()).isEqualTo(200);
        JsonObject listed = admin(HttpMethod.GET, "/api/channels", null).bodyAsJsonArray().getJsonObject(0);
        assertThat(listed.getJsonObject("features").getBoolean("recording")).isFalse();
        assertThat(listed.getBoolean("private")).isTrue();
        assertThat(admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject().put("recording", "yes")).statusCode()).isEqualTo(400);
        assertThat(admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject().put("renditions", 3)).statusCode()).isEqualTo(400);
        assertThat(admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject()).statusCode()).isEqualTo(400);
        assertThat(admin(HttpMethod.PATCH, "/api/channels/ghost", new JsonObject().put("recording", true)).statusCode()).isEqualTo(404);
    }

    @Test
    void theAccessDocumentIsAnsweredNotModifiedUntilAChangeAndPrivacyCanBeSwitched() throws Exception {
        admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "show"));
        HttpResponse<Buffer> first = admin(HttpMethod.GET, "/auth/access", null);
        String etag = first.getHeader("ETag");
        HttpResponse<Buffer> again = await(client.get(port, "127.0.0.1", "/auth/access").bearerTokenAuthentication(TOKEN)
                .putHeader("If-None-Match", etag).send());
        assertThat(again.statusCode()).isEqualTo(304);

        HttpResponse<Buffer> patched = admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject().put("private", true));
        assertThat(patched.statusCode()).isEqualTo(200);
        HttpResponse<Buffer> changed = await(client.get(port, "127.0.0.1", "/auth/access").bearerTokenAuthentication(TOKEN)
                .putHeader("If-None-Match", etag).send());
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.getHeader("ETag")).isNotEqualTo(etag);
        assertThat(AccessPolicy.fromJson(changed.bodyAsJsonObject()).privateChannels()).containsExactly(ChannelName.of("show"));

        assertThat(admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject().put("private", "yes")).statusCode()).isEqualTo(400);
        assertThat(admin(HttpMethod.PATCH, "/api/channels/ghost", new JsonObject().put("private", true)).statusCode()).isEqualTo(404);
        admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject().put("private", false));
        assertThat(document().privateChannels()).isEmpty();

        admin(HttpMethod.PATCH, "/api/channels/show", new JsonObject().put("private", true));
        assertThat(admin(HttpMethod.DELETE, "/api/channels/show", null).statusCode()).isEqualTo(204);
        assertThat(document().privateChannels()).as("a deleted private channel stays private (it may still be live)")
                .containsExactly(ChannelName.of("show"));
        admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "show"));
        assertThat(document().privateChannels()).as("until a channel of that name is created again").isEmpty();
    }

    @Test
    void tokensAreRevokedByIdOrByChannelAndIssueTime() throws Exception {
        admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "vip").put("private", true));
        JsonObject one = mint("vip");
        JsonObject two = mint("vip");
        assertThat(admin(HttpMethod.POST, "/api/playback-revocations", new JsonObject().put("tokenId", one.getString("id")))
                .statusCode()).isEqualTo(204);
        assertThat(check("vip", one.getString("token"))).isEqualTo(403);
        assertThat(check("vip", two.getString("token"))).isEqualTo(200);

        clock.advance(Duration.ofMillis(300));
        assertThat(admin(HttpMethod.POST, "/api/playback-revocations", new JsonObject().put("channel", "vip")).statusCode())
                .isEqualTo(204);
        assertThat(check("vip", two.getString("token"))).isEqualTo(403);
        clock.advance(Duration.ofMillis(1));
        assertThat(check("vip", mint("vip").getString("token"))).as("minted a moment after the revocation").isEqualTo(200);

        assertThat(admin(HttpMethod.POST, "/api/playback-revocations", new JsonObject().put("channel", "Bad Name"))
                .statusCode()).isEqualTo(400);
        assertThat(admin(HttpMethod.POST, "/api/playback-revocations",
                new JsonObject().put("channel", "vip").put("tokenId", "x")).statusCode()).isEqualTo(400);
    }

    @Test
    void keysRotateAddSignRetireAndTheLastOneStays() throws Exception {
        admin(HttpMethod.POST, "/api/channels", new JsonObject().put("name", "vip").put("private", true));
        String old = mint("vip").getString("token");
        String oldKey = PlaybackToken.parse(old).keyId();
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<Buffer> added = admin(HttpMethod.POST, "/api/playback-keys", null);
        assertThat(added.statusCode()).isEqualTo(201);
        String newKey = added.bodyAsJsonObject().getString("kid");
        String fresh = mint("vip").getString("token");
        assertThat(PlaybackToken.parse(fresh).keyId()).isEqualTo(newKey);
        assertThat(document().keys()).containsOnlyKeys(oldKey, newKey);
        assertThat(check("vip", old)).isEqualTo(200);

        assertThat(admin(HttpMethod.DELETE, "/api/playback-keys/" + oldKey, null).statusCode()).isEqualTo(204);
        assertThat(document().keys()).containsOnlyKeys(newKey);
        assertThat(check("vip", old)).isEqualTo(403);
        assertThat(check("vip", fresh)).isEqualTo(200);
        assertThat(admin(HttpMethod.DELETE, "/api/playback-keys/" + newKey, null).statusCode()).isEqualTo(409);
        assertThat(admin(HttpMethod.DELETE, "/api/playback-keys/nope", null).statusCode()).isEqualTo(404);
        assertThat(admin(HttpMethod.GET, "/api/playback-keys", null).bodyAsJsonArray()).hasSize(2);
    }
}
