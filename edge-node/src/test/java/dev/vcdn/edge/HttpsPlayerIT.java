package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.edge.testing.BrowserRun;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.testing.BrowserScripts;
import dev.vcdn.shared.tls.LocalCertificateAuthority;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch page of an HTTPS edge in Debian's Chromium (trusting the test's certificate authority):
 * it plays, and every request of the page (the page, hls.js, playlists with their blocking reloads,
 * hinted parts) goes over HTTP/2 on one connection, where HTTP/1.1 would need one per request in flight.
 */
class HttpsPlayerIT {

    private static final Path CHECK = Path.of("target/https-check");
    private static final LocalCertificateAuthority AUTHORITY = LocalCertificateAuthority.create("browser it CA");

    private LiveOrigin origin;
    private TestEdge edge;

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK, List.of("package.json", "package-lock.json", "https-watch.mjs"),
                List.of(LiveOrigin.FFMPEG));
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
    void theWatchPagePlaysOverOneHttp2Connection(@TempDir Path dir) throws Exception {
        origin = LiveOrigin.start(dir.resolve("origin"), "tls", "640x360", 120);
        edge = TestEdge.startHttps("http://127.0.0.1:" + origin.httpPort(), AUTHORITY, dir, Map.of());
        edge.awaitStatus("/live/tls/master.m3u8", 200);

        JsonObject result = BrowserRun.run(CHECK, line -> { }, "node", "https-watch.mjs", edge.url(), "tls",
                AUTHORITY.chromiumSpki());
        System.out.println("https watch: played " + result.getDouble("played") + " s in 8 s, "
                + result.getJsonArray("requests").size() + " requests");
        assertThat(result.getJsonArray("errors")).as("page errors and failed requests").isEmpty();
        assertThat(result.getDouble("played")).as("seconds of picture in 8 s").isGreaterThan(6.0);
        Set<String> protocols = new HashSet<>();
        Set<Object> connections = new HashSet<>();
        result.getJsonArray("requests").forEach(entry -> {
            JsonObject request = (JsonObject) entry;
            protocols.add(request.getString("protocol"));
            connections.add(request.getValue("connection"));
        });
        assertThat(result.getJsonArray("requests").size()).as("the page, the player, playlists, parts").isGreaterThan(20);
        assertThat(protocols).containsExactly("h2");
        assertThat(connections).as("one connection for everything").hasSize(1);
    }
}
