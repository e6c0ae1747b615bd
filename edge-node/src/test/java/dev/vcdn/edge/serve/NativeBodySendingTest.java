package dev.vcdn.edge.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.cache.CachedResponse;
import dev.vcdn.edge.cache.ResponseCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cached body in native memory sent to a viewer over a real socket: a viewer reading slowly gets
 * every byte right although the entry left the cache and its grace passed mid-write (the send holds
 * the memory), the memory is freed once the write is done, and an answer whose body was freed is
 * never written from freed memory but answered 503.
 */
class NativeBodySendingTest {

    /** Far more than loopback's socket buffers hold: the write stays in progress while the viewer does not read. */
    private static final int BODY_BYTES = 32 << 20;
    private static final Duration TTL = Duration.ofSeconds(10);

    private final AtomicLong now = new AtomicLong();
    private final AtomicReference<CachedResponse> served = new AtomicReference<>();
    private Vertx vertx;
    private HttpServer server;
    private ResponseCache cache;

    @BeforeEach
    void serve() throws Exception {
        vertx = Vertx.vertx();
        cache = new ResponseCache(64L << 20, now::get);
        EdgeMetrics metrics = new EdgeMetrics(new SimpleMeterRegistry());
        Router router = Router.router(vertx);
        router.get("/part").handler(ctx -> Responses.send(ctx, served.get(), metrics));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aSlowViewerGetsEveryByteAfterTheEntryLeftAndTheMemoryIsFreedWhenItIsDone() throws Exception {
        byte[] pattern = new byte[BODY_BYTES];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % 251);
        }
        CachedResponse kept = cache.put("/live/a/720p/0.0.m4s", CachedResponse.ok("video/mp4", "public, max-age=300, immutable",
                Optional.empty(), Buffer.buffer(pattern), TTL));
        assertThat(kept.nativeBody()).isPresent();
        served.set(kept);

        try (Socket viewer = new Socket("127.0.0.1", server.actualPort())) {
            viewer.setReceiveBufferSize(64 << 10);
            OutputStream out = viewer.getOutputStream();
            out.write("GET /part HTTP/1.1\r\nHost: edge\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = viewer.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 << 10];
            received.write(chunk, 0, in.read(chunk));

            // The entry leaves and its grace passes while the viewer is not reading.
            Thread.sleep(300);
            now.addAndGet(TTL.plus(ResponseCache.RELEASE_GRACE).plusSeconds(1).toNanos());
            cache.cleanUp();
            now.addAndGet(ResponseCache.RELEASE_GRACE.plusSeconds(1).toNanos());
            cache.cleanUp();
            assertThat(cache.get("/live/a/720p/0.0.m4s")).isEmpty();
            assertThat(kept.nativeBody().get().freed()).as("the write still reads it").isFalse();

            int headEnd = -1;
            while (headEnd < 0 || received.size() < headEnd + BODY_BYTES) {
                int n = in.read(chunk);
                assertThat(n).as("the whole answer comes").isPositive();
                received.write(chunk, 0, n);
                if (headEnd < 0) {
                    headEnd = indexOfBlankLine(received.toByteArray());
                }
            }
            byte[] all = received.toByteArray();
            assertThat(new String(all, 0, headEnd, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            byte[] body = Arrays.copyOfRange(all, headEnd, headEnd + BODY_BYTES);
            assertThat(body).as("every byte as cached, none from freed memory").isEqualTo(pattern);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!kept.nativeBody().get().freed() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(kept.nativeBody().get().freed()).as("freed once written").isTrue();
        assertThat(cache.nativeBytes()).isZero();

        try (Socket late = new Socket("127.0.0.1", server.actualPort())) {
            late.getOutputStream().write("GET /part HTTP/1.1\r\nHost: edge\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[512];
            int n = late.getInputStream().read(head);
            String answer = new String(head, 0, n, StandardCharsets.US_ASCII);
            assertThat(answer).as("a freed body is not sent").startsWith("HTTP/1.1 503").containsIgnoringCase("cache-control: no-store");
        }
    }

    private static int indexOfBlankLine(byte[] bytes) {
        for (int i = 3; i < bytes.length; i++) {
            if (bytes[i - 3] == '\r' && bytes[i - 2] == '\n' && bytes[i - 1] == '\r' && bytes[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }
}
