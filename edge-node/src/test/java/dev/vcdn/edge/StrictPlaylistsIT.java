package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.BrowserRun;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.testing.BrowserScripts;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of playlist we serve (multivariant, plain, blocking reload, delta update), from the
 * origin and from an edge, read for several segments by a strict third-party parser (npm
 * hls-parser in strict mode): none is refused.
 */
class StrictPlaylistsIT {

    private static final Path CHECK = Path.of("target/strict-playlists");
    private static final String CHANNEL = "strict";

    private LiveOrigin origin;
    private TestEdge edge;

    @BeforeAll
    static void needsFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK,
                List.of("package.json", "package-lock.json", "strict-playlists.mjs"), List.of(LiveOrigin.FFMPEG));
    }

    @AfterEach
    void stop() throws Exception {
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void aStrictParserRefusesNoPlaylistOfOriginOrEdge(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.start(dataDir, CHANNEL, "640x360", 90);
        String originUrl = "http://127.0.0.1:" + origin.httpPort();
        edge = TestEdge.start(originUrl);
        String master = "/live/" + CHANNEL + "/master.m3u8";
        edge.awaitStatus(master, 200);
        String media = "/live/" + CHANNEL + "/" + PlaylistParser.parseMultivariant(edge.get(master)).variants().get(0).uri();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (PlaylistParser.parseMedia(edge.get(media)).segments().size() < 4) {
            assertThat(System.nanoTime()).as("four segments within 30 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(250);
        }
        for (String server : List.of(edge.url(), originUrl)) {
            JsonObject result = BrowserRun.run(CHECK, line -> {
            }, "node", "strict-playlists.mjs", server, CHANNEL, "8");
            System.out.println("strict parser on " + server + ": " + result.getJsonObject("read").encode());
            assertThat(result.getJsonArray("refused")).as("playlists refused by hls-parser in strict mode").isEmpty();
            JsonObject read = result.getJsonObject("read");
            for (String kind : List.of("multivariant", "plain", "blocking", "delta")) {
                assertThat(read.getInteger(kind)).as("%s playlists read", kind).isGreaterThan(5);
            }
        }
    }
}
