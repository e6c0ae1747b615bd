package dev.vcdn.edge.upstream;

import dev.vcdn.edge.cache.CachedResponse;
import dev.vcdn.shared.access.EdgeCredential;
import dev.vcdn.shared.http.TokenPrefix;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches playback objects from the node above: the origin, or the region's owner of the
 * channel. Bodies are bounded; an answer's Cache-Control says how long the edge may keep it.
 */
public final class Upstream {

    /** Marks a request one edge makes of another, so that the owner never forwards it again. */
    public static final String FILL_HEADER = "X-Vcdn-Fill";
    /** Longer than the longest blocking request an upstream may hold. */
    static final long TIMEOUT_MILLIS = 10_000;
    private static final Pattern MAX_AGE = Pattern.compile("max-age=([0-9]{1,9})");

    private final HttpClient client;
    private final long maxBodyBytes;
    private final Duration immutableTtl;
    private final EdgeCredential credential;

    /**
     * @param maxBodyBytes larger answers are refused (a segment is a few MB at most)
     * @param immutableTtl how long immutable objects are kept, whatever max-age says
     * @param credential   the edge token, presented on every fetch when there is one
     */
    public Upstream(HttpClient client, long maxBodyBytes, Duration immutableTtl, EdgeCredential credential) {
        this.client = client;
        this.maxBodyBytes = maxBodyBytes;
        this.immutableTtl = immutableTtl;
        this.credential = credential;
    }

    /**
     * GET {@code base + target}; fails on a connection error, a timeout or an oversized body. A
     * private channel's object is asked for with the edge credential, or where there is none under
     * the viewer's token (the answer is kept under the plain target all the same).
     *
     * @param token the token the viewer was let in with, or null
     */
    public Future<CachedResponse> fetch(URI base, String target, boolean fromPeer, String token) {
        String path = token == null || credential.required() ? target : TokenPrefix.under(token, target);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(base.resolve(path).toString())
                .setTimeout(TIMEOUT_MILLIS);
        credential.addTo(options);
        if (fromPeer) {
            options.putHeader(FILL_HEADER, "1");
        }
        return client.request(options)
                .compose(request -> request.send())
                .compose(this::read);
    }

    /** Whether a private channel's objects are asked for under the viewer's token: there is no edge credential. */
    public boolean fillsUnderViewerTokens() {
        return !credential.required();
    }

    /**
     * Whether {@code error} says the upstream could not be reached or went away mid-answer (as
     * opposed to a slow or refused answer): another origin is worth asking then.
     */
    public static boolean unreachable(Throwable error) {
        return error instanceof java.net.ConnectException
                || error instanceof java.net.NoRouteToHostException
                || error instanceof java.net.UnknownHostException
                || error instanceof io.netty.channel.ConnectTimeoutException
                || error instanceof io.vertx.core.http.HttpClosedException;
    }

    private Future<CachedResponse> read(HttpClientResponse response) {
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.length() < 19 && Long.parseLong(length) > maxBodyBytes) {
            response.request().reset();
            return Future.failedFuture("upstream body of " + length + " bytes over the " + maxBodyBytes + " limit");
        }
        Promise<CachedResponse> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodyBytes) {
                response.request().reset();
                done.tryFail("upstream body over the " + maxBodyBytes + " byte limit");
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(ignored -> done.tryComplete(toCached(response, body)));
        return done.future();
    }

    private CachedResponse toCached(HttpClientResponse response, Buffer body) {
        Optional<String> cacheControl = Optional.ofNullable(response.getHeader(HttpHeaders.CACHE_CONTROL));
        return new CachedResponse(response.statusCode(), Optional.ofNullable(response.getHeader(HttpHeaders.CONTENT_TYPE)),
                cacheControl, Optional.ofNullable(response.getHeader(HttpHeaders.ETAG)), body,
                keepable(response.statusCode()) ? timeToLive(cacheControl.orElse("")) : Duration.ZERO);
    }

    /** A 200, or a 404 whose Cache-Control allows it (nothing of that name exists anywhere); never another error. */
    private static boolean keepable(int status) {
        return status == 200 || status == 404;
    }

    /** From Cache-Control: immutable objects for the configured time, others for their max-age; never what says no-store. */
    Duration timeToLive(String cacheControl) {
        if (cacheControl.contains("no-store") || cacheControl.contains("private") || cacheControl.contains("no-cache")) {
            return Duration.ZERO;
        }
        Matcher m = MAX_AGE.matcher(cacheControl);
        if (!m.find()) {
            return Duration.ZERO;
        }
        Duration maxAge = Duration.ofSeconds(Long.parseLong(m.group(1)));
        return cacheControl.contains("immutable") && maxAge.compareTo(immutableTtl) > 0 ? immutableTtl : maxAge;
    }
}
