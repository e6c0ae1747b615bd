package dev.vcdn.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class CachedResponseTest {

    private static CachedResponse answer(String type, Buffer body) {
        return CachedResponse.ok(type, "public, max-age=1", Optional.empty(), body, Duration.ZERO);
    }

    @Test
    void aPlaylistIsGzippedOnceAndUnzipsToItsBody() throws Exception {
        String playlist = "#EXTM3U\n#EXT-X-VERSION:9\n" + "#EXT-X-PART:DURATION=0.33367,URI=\"41.0.m4s\",INDEPENDENT=YES\n".repeat(30);
        CachedResponse zipped = answer("application/vnd.apple.mpegurl", Buffer.buffer(playlist)).withGzip();
        assertThat(zipped.gzipped()).isPresent();
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.gzipped().get().getBytes())).readAllBytes();
        assertThat(new String(unzipped, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(playlist);
        assertThat(zipped.gzipped().get().length()).isLessThan(playlist.length() / 4);
        assertThat(zipped.withGzip()).as("made once").isSameAs(zipped);
        assertThat(zipped.keptFor(Duration.ofSeconds(1)).gzipped()).isEqualTo(zipped.gzipped());
    }

    @Test
    void mediaAndTinyTextStayAsTheyAre() {
        CachedResponse part = answer("video/mp4", Buffer.buffer(new byte[4096]));
        assertThat(part.withGzip().gzipped()).isEmpty();
        assertThat(answer("application/vnd.apple.mpegurl", Buffer.buffer("#EXTM3U\n")).withGzip().gzipped()).isEmpty();
    }
}
