package dev.vcdn.edge.cache;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * One answer to a playback URL as the edge keeps and replays it: status, the headers a playback
 * response carries, the body, and how long it may be served from memory.
 *
 * @param timeToLive how long the cache keeps it; zero means it is passed on but not kept
 * @param gzipped    the body gzipped, made once for every viewer that accepts it (playlists):
 *                   compressing per response cost the edge most of its CPU at a thousand viewers
 * @param nativeBody where {@code body} lives when the cache keeps it in native memory: a send holds
 *                   it ({@link #holdBody()}) until its write is done ({@link #releaseBody()}); nothing
 *                   else reads such a body ({@link #withGzip()}, equals and toString are for answers
 *                   not kept yet)
 */
public record CachedResponse(int status, Optional<String> contentType, Optional<String> cacheControl, Optional<String> etag,
                             Buffer body, Duration timeToLive, Optional<Buffer> gzipped, Optional<NativeBody> nativeBody) {

    /** Bodies smaller than this are sent as they are: gzip's header and trailer alone are 18 bytes. */
    static final int COMPRESS_FROM_BYTES = 256;

    public CachedResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(cacheControl, "cacheControl");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timeToLive, "timeToLive");
        Objects.requireNonNull(gzipped, "gzipped");
        Objects.requireNonNull(nativeBody, "nativeBody");
    }

    public CachedResponse(int status, Optional<String> contentType, Optional<String> cacheControl, Optional<String> etag,
                          Buffer body, Duration timeToLive) {
        this(status, contentType, cacheControl, etag, body, timeToLive, Optional.empty(), Optional.empty());
    }

    /** A 200 with every playback header present. */
    public static CachedResponse ok(String contentType, String cacheControl, Optional<String> etag, Buffer body,
                                    Duration timeToLive) {
        return new CachedResponse(200, Optional.of(contentType), Optional.of(cacheControl), etag, body, timeToLive);
    }

    /**
     * The same answer with its body in native memory, held by the cache: a socket write of it needs
     * no copy into a native buffer first, which matters when one part is sent to thousands of
     * viewers. When the JVM's direct memory is full the heap copy is kept instead.
     *
     * @param nativeBytes the native bytes of the cache's bodies not yet freed
     */
    CachedResponse offHeap(AtomicLong nativeBytes) {
        if (body.length() == 0 || nativeBody.isPresent()) {
            return this;
        }
        return NativeBody.copyOf(body, nativeBytes).map(copy -> new CachedResponse(status, contentType, cacheControl, etag,
                copy.body(), timeToLive, gzipped, Optional.of(copy))).orElse(this);
    }

    /**
     * Holds the body for a send, before anything is written: false when it was freed (its entry left
     * the cache long before), and the answer cannot be sent. A heap body is always there.
     */
    public boolean holdBody() {
        return nativeBody.map(NativeBody::retain).orElse(true);
    }

    /** The send that held the body is done with it: written, or failed. */
    public void releaseBody() {
        nativeBody.ifPresent(NativeBody::release);
    }

    /** The same answer, kept for {@code time} whatever its Cache-Control said. */
    public CachedResponse keptFor(Duration time) {
        return new CachedResponse(status, contentType, cacheControl, etag, body, time, gzipped, nativeBody);
    }

    /** Text (playlists, JSON): worth compressing. Media is compressed already. */
    public boolean isText() {
        return contentType.map(type -> type.startsWith("text/") || type.contains("mpegurl") || type.contains("json"))
                .orElse(false);
    }

    /** The same answer with its gzipped body made now, when it is text big enough to gain from it. */
    public CachedResponse withGzip() {
        if (gzipped.isPresent() || !isText() || body.length() < COMPRESS_FROM_BYTES) {
            return this;
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(body.length() / 3 + 32);
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(body.getBytes());
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return new CachedResponse(status, contentType, cacheControl, etag, body, timeToLive,
                Optional.of(Buffer.buffer(compressed.toByteArray())), nativeBody);
    }

    /** A 200 or a 404 (a channel live nowhere) with a time to keep it ({@link #keptFor} shortens it). */
    public boolean cacheable() {
        return (status == 200 || status == 404) && !timeToLive.isZero();
    }

    /** What the entry costs in memory, roughly: the body plus a fixed allowance for the rest. */
    int weight() {
        return body.length() + gzipped.map(Buffer::length).orElse(0) + 256;
    }
}
