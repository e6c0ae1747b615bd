package dev.vcdn.shared.access;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An access policy encoded once as the document its followers poll, with a strong ETag (a
 * SHA-256 prefix: a collision would hide a revocation), answered 304 while a follower holds it.
 */
public record EncodedAccessPolicy(AccessPolicy policy, Buffer body, String etag) {

    public static EncodedAccessPolicy of(AccessPolicy policy) {
        Buffer body = Buffer.buffer(policy.toJson().encode());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes());
            return new EncodedAccessPolicy(policy, body, "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers {@code request} with the document, or 304 when it already holds this one. */
    public void answer(HttpServerRequest request) {
        request.response().putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        if (etag.equals(request.getHeader(HttpHeaders.IF_NONE_MATCH))) {
            request.response().setStatusCode(304).end();
            return;
        }
        request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
