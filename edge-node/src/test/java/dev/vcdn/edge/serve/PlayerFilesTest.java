package dev.vcdn.edge.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class PlayerFilesTest {

    private final PlayerFiles files = PlayerFiles.load(ViewerServer.PLAYER_ROOT);

    @Test
    void everyFileOfThePlayerIsHeldWithItsTypeAndATagAndTheTextGzippedOnce() throws Exception {
        PlayerFiles.PlayerFile hls = files.get("vendor/hls.min.js").orElseThrow();
        assertThat(hls.contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(hls.gzipped()).as("hls.js, the largest, sent gzipped").isPresent();
        assertThat(hls.gzipped().get().length()).isLessThan(hls.body().length() / 2);
        assertThat(new GZIPInputStream(new ByteArrayInputStream(hls.gzipped().get().getBytes())).readAllBytes())
                .isEqualTo(hls.body().getBytes());
        assertThat(files.get("watch.html").orElseThrow().contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(files.get("player.css").orElseThrow().contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(files.get("index.html").orElseThrow().etag()).matches("\"[0-9a-f]{24}\"")
                .isEqualTo(PlayerFiles.load(ViewerServer.PLAYER_ROOT).get("index.html").orElseThrow().etag());
        assertThat(files.get("../pom.xml")).isEmpty();
    }
}
