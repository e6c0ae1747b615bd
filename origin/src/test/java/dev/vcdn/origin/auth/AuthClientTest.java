package dev.vcdn.origin.auth;

import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.ChannelFeatures;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The origin's side of the auth call against auth servers that misbehave. */
@ExtendWith(VertxExtension.class)
class AuthClientTest {

    private static final PublishRequest REQUEST = new PublishRequest("rtmp", "live", "sk_key", "192.0.2.1");

    /** An auth server that answers every request with {@code status} and {@code body}, or never when status is 0. */
    private static Future<HttpServer> authServer(Vertx vertx, int status, String body) {
        return vertx.createHttpServer().requestHandler(request -> {
            if (status > 0) {
                request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
            }
        }).listen(0, "127.0.0.1");
    }

    /**
     * The timeout only matters to the silent server's test; every other server answers at once, and
     * a short timeout would fail them on a loaded machine (first request: class loading, connect).
     */
    private static Duration timeoutFor(int status) {
        return status == 0 ? Duration.ofMillis(300) : Duration.ofSeconds(10);
    }

    private static Future<PublishGrant> authorize(Vertx vertx, HttpServer server, Duration timeout) {
        AuthClient client = new AuthClient(WebClient.create(vertx), URI.create("http://127.0.0.1:" + server.actualPort() + "/auth/"),
                "token", timeout);
        return client.authorize(REQUEST);
    }

    private static void expectRefusal(Vertx vertx, VertxTestContext test, int status, String body,
                                      PublishRefusedException.Reason reason) {
        authServer(vertx, status, body).compose(server -> authorize(vertx, server, timeoutFor(status)))
                .onComplete(test.failing(error -> test.verify(() -> {
                    assertThat(error).isInstanceOf(PublishRefusedException.class);
                    assertThat(((PublishRefusedException) error).reason()).isEqualTo(reason);
                    test.completeNow();
                })));
    }

    @Test
    void aSilentAuthServerRefusesWithinTheTimeout(Vertx vertx, VertxTestContext test) {
        expectRefusal(vertx, test, 0, "", PublishRefusedException.Reason.AUTH_UNAVAILABLE);
    }

    @Test
    void aGrantWithoutAValidChannelIsRefused(Vertx vertx, VertxTestContext test) {
        expectRefusal(vertx, test, 200, "{\"channel\":\"../etc\",\"streamId\":\"x\"}", PublishRefusedException.Reason.AUTH_UNAVAILABLE);
    }

    @Test
    void statusCodesMapToReasons(Vertx vertx, VertxTestContext test) {
        expectRefusal(vertx, test, 409, "{}", PublishRefusedException.Reason.ALREADY_LIVE);
    }

    @Test
    void aValidGrantIsAccepted(Vertx vertx, VertxTestContext test) {
        authServer(vertx, 200, "{\"channel\":\"alice\",\"streamId\":\"s-1\",\"features\":{\"codecs\":[\"h264\",\"vp9\"],"
                + "\"lowLatency\":true}}")
                .compose(server -> authorize(vertx, server, timeoutFor(200)))
                .onComplete(test.succeeding(grant -> test.verify(() -> {
                    assertThat(grant.channel().value()).isEqualTo("alice");
                    assertThat(grant.streamId().value()).isEqualTo("s-1");
                    assertThat(grant.features().codecs()).containsExactly("h264", "vp9");
                    assertThat(grant.features().lowLatency()).isTrue();
                    assertThat(grant.features().renditions()).isEqualTo(ChannelFeatures.DEFAULT_RENDITIONS);
                    test.completeNow();
                })));
    }
}
