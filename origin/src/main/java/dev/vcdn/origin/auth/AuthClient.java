package dev.vcdn.origin.auth;

import dev.vcdn.origin.pipeline.PublishGrant;

import dev.vcdn.origin.auth.PublishRefusedException.Reason;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;

/** Asks the auth server (built in or the operator's) about publishes: {@code POST {auth.url}/publish}. */
public final class AuthClient {

    private final WebClient client;
    private final String baseUrl;
    private final String bearerToken;
    private final Duration timeout;

    public AuthClient(WebClient client, URI baseUrl, String bearerToken, Duration timeout) {
        this.client = client;
        this.baseUrl = baseUrl.toString().replaceAll("/+$", "");
        this.bearerToken = bearerToken;
        this.timeout = timeout;
    }

    /** The grant, or a {@link PublishRefusedException} saying why not. */
    public Future<PublishGrant> authorize(PublishRequest request) {
        if (request.streamKey().length() > PublishRequest.MAX_KEY_LENGTH) {
            return Future.failedFuture(new PublishRefusedException(Reason.BAD_KEY, "stream key too long"));
        }
        return post("/publish", request.toJson())
                .recover(error -> Future.failedFuture(new PublishRefusedException(Reason.AUTH_UNAVAILABLE,
                        "auth server unreachable: " + error.getMessage())))
                .compose(AuthClient::grant);
    }

    /** Tells the auth server a stream has ended; failures are the caller's to log. */
    public Future<Void> unpublish(PublishGrant grant, String reason) {
        return post("/unpublish", new JsonObject()
                .put("channel", grant.channel().value())
                .put("streamId", grant.streamId().value())
                .put("reason", reason))
                .compose(response -> response.statusCode() / 100 == 2
                        ? Future.succeededFuture()
                        : Future.failedFuture("auth server answered " + response.statusCode() + " to unpublish"));
    }

    private Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
        return client.postAbs(baseUrl + path)
                .putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + bearerToken)
                .timeout(timeout.toMillis())
                .sendJsonObject(body);
    }

    private static Future<PublishGrant> grant(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 200) {
            try {
                return Future.succeededFuture(PublishGrant.fromJson(response.bodyAsJsonObject()));
            } catch (RuntimeException e) {
                return Future.failedFuture(new PublishRefusedException(Reason.AUTH_UNAVAILABLE,
                        "auth server answered 200 without a valid grant: " + e.getMessage()));
            }
        }
        Reason reason = switch (status) {
            case 401, 403, 404 -> Reason.BAD_KEY;
            case 409 -> Reason.ALREADY_LIVE;
            case 429 -> Reason.RATE_LIMITED;
            default -> Reason.AUTH_UNAVAILABLE;
        };
        return Future.failedFuture(new PublishRefusedException(reason, "auth server answered " + status));
    }
}
