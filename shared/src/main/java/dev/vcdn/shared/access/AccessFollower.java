package dev.vcdn.shared.access;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link PlaybackAccess} on the current access document by polling its source (the auth
 * service for an origin, an origin for an edge) with its ETag: a change, a revocation above all,
 * is in force here one period after its source has it, and an unchanged document costs a 304.
 * When the source cannot be reached, or answers anything but a well-formed document, the last
 * document stays in force (logged once): a missing document never reads as "nothing is
 * private". Runs on the context that starts it; the document is read within a size bound.
 */
public final class AccessFollower {

    private static final Logger log = LoggerFactory.getLogger(AccessFollower.class);
    /** Largest document read: keys, channel names and revocations, bounded as {@link AccessPolicy} bounds them. */
    static final int MAX_DOCUMENT_BYTES = 16 << 20;
    static final long TIMEOUT_MILLIS = 5_000;

    private final Vertx vertx;
    private final HttpClient client;
    private final Supplier<URI> source;
    private final Optional<String> bearer;
    private final PlaybackAccess access;
    private final Duration period;
    private final Promise<Void> first = Promise.promise();
    private String etag;
    private boolean failing;
    private boolean polling;
    private long timer = -1;

    /**
     * @param source     the document's URL, asked again at every poll (an edge's origin in use may change)
     * @param bearer     what the source asks for, if anything (the auth token, or the edge token)
     */
    public AccessFollower(Vertx vertx, HttpClient client, Supplier<URI> source, Optional<String> bearer,
                          PlaybackAccess access, Duration period) {
        this.vertx = vertx;
        this.client = client;
        this.source = source;
        this.bearer = bearer;
        this.access = access;
        this.period = period;
    }

    /** Starts polling; the future completes once a first document is in force (it never fails: the source may come later). */
    public Future<Void> start() {
        poll();
        timer = vertx.setPeriodic(period.toMillis(), id -> poll());
        return first.future();
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void poll() {
        if (polling) {
            return;
        }
        polling = true;
        URI url = source.get();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
                .setTimeout(TIMEOUT_MILLIS);
        bearer.ifPresent(token -> options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token));
        if (etag != null) {
            options.putHeader(HttpHeaders.IF_NONE_MATCH, etag);
        }
        client.request(options).compose(request -> request.send()).compose(this::read)
                .onComplete(done -> {
                    polling = false;
                    if (done.failed()) {
                        failed(url, done.cause().getMessage());
                    } else if (failing) {
                        failing = false;
                        log.info("access rules from {} followed again", url);
                    }
                });
    }

    private Future<Void> read(HttpClientResponse response) {
        int status = response.statusCode();
        if (status == 304) {
            return response.end();
        }
        if (status != 200) {
            return response.end().transform(ignored -> Future.failedFuture("status " + status));
        }
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && (length.length() > 9 || Long.parseLong(length) > MAX_DOCUMENT_BYTES)) {
            response.request().reset();
            return Future.failedFuture("document over " + MAX_DOCUMENT_BYTES + " bytes");
        }
        String tag = response.getHeader(HttpHeaders.ETAG);
        return bounded(response).compose(body -> {
            AccessPolicy policy;
            try {
                policy = AccessPolicy.fromJson(new JsonObject(body));
            } catch (RuntimeException e) {
                return Future.failedFuture("unreadable document: " + e.getMessage());
            }
            etag = tag;
            installed(policy);
            return Future.succeededFuture();
        });
    }

    /** The body, or a failure as soon as it grows past {@link #MAX_DOCUMENT_BYTES} (the request is reset then). */
    private static Future<Buffer> bounded(HttpClientResponse response) {
        Promise<Buffer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_DOCUMENT_BYTES) {
                response.request().reset();
                done.tryFail("document over " + MAX_DOCUMENT_BYTES + " bytes");
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(ignored -> done.tryComplete(body));
        return done.future();
    }

    private void installed(AccessPolicy policy) {
        access.install(policy);
        first.tryComplete();
    }

    private void failed(URI url, String reason) {
        if (!failing) {
            failing = true;
            log.warn("access rules not refreshed from {} ({}); {}", url, reason,
                    access.ready() ? "the last ones stay in force" : "nothing can be served until they are");
        }
    }
}
