package dev.vcdn.edge.cache;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * One answer to a playback URL as the edge keeps and replays it: status, the headers a playback
 * response carries, the body, and how long it may be served from memory.
 *
 * @param timeToLive how long the cache keeps it; zero means it is passed on but not kept
 * @param gzipped    the body gzipped, made once for every viewer that accepts it (playlists):
 *                   compressing per response cost the edge most of its CPU at a thousand viewers
 */
public record CachedResponse(int status, Optional<String> contentType, Optional<String> cacheControl, Optional<String> etag,
                             Buffer body, Duration timeToLive, Optional<Buffer> gzipped) {

    /** Bodies smaller than this are sent as they are: gzip's header and trailer alone are 18 bytes. */
    static final int COMPRESS_FROM_BYTES = 256;

    public CachedResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(cacheControl, "cacheControl");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timeToLive, "timeToLive");
        Objects.requireNonNull(gzipped, "gzipped");
    }

    public CachedResponse(int status, Optional<String> contentType, Optional<String> cacheControl, Optional<String> etag,
                          Buffer body, Duration timeToLive) {
        this(status, contentType, cacheControl, etag, body, timeToLive, Optional.empty());
    }

    /** A 200 with every playback header present. */
    public static CachedResponse ok(String contentType, String cacheControl, Optional<String> etag, Buffer body,
                                    Duration timeToLive) {
        return new CachedResponse(200, Optional.of(contentType), Optional.of(cacheControl), etag, body, timeToLive);
    }

    /**
     * The same answer with its body in native memory: a socket write of it needs no copy into a
     * native buffer first, which matters when one part is sent to thousands of viewers. The JDK
     * buffer is freed by the garbage collector like any object, nothing to release. When the
     * JVM's direct memory is full the heap copy is kept instead.
     */
    CachedResponse offHeap() {
        if (body.length() == 0) {
            return this;
        }
        ByteBuffer direct;
        try {
            direct = ByteBuffer.allocateDirect(body.length());
        } catch (OutOfMemoryError directMemoryFull) {
            // -XX:MaxDirectMemorySize below cache.max-bytes: keep this one on the heap rather than fail the request.
            return this;
        }
        direct.put(((BufferInternal) body).getByteBuf().nioBuffer()).flip();
        return new CachedResponse(status, contentType, cacheControl, etag, BufferInternal.buffer(Unpooled.wrappedBuffer(direct)),
                timeToLive, gzipped);
    }

    /** The same answer, kept for {@code time} whatever its Cache-Control said. */
    public CachedResponse keptFor(Duration time) {
        return new CachedResponse(status, contentType, cacheControl, etag, body, time, gzipped);
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
                Optional.of(Buffer.buffer(compressed.toByteArray())));
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
