package dev.vcdn.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.packager.PackagerOutput;
import dev.vcdn.origin.testing.Publisher;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.origin.transcode.LadderPlanner;
import dev.vcdn.origin.transcode.Transcoder;
import dev.vcdn.origin.transcode.tap.ThumbnailStore;
import dev.vcdn.origin.transcode.tap.ThumbnailTap;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Variant;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessMetrics;
import dev.vcdn.shared.process.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin at a real service's multiplicity: several channels live at once, each with its own
 * ladder and muxers (more muxers than FFmpeg's callback slots once allowed), every rendition of
 * every channel served.
 */
@ExtendWith(VertxExtension.class)
class ManyChannelsTest {

    private static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    /** Laddered channels (source, 160p, audio: three muxers each) and one with its source only (two). */
    private static final List<String> LADDERED = List.of("ch1", "ch2", "ch3", "ch4");
    private static final String SOURCE_ONLY = "plain";

    private WebClient client;
    private int httpPort;
    private int rtmpPort;

    private Future<Void> deploy(Vertx vertx, Path dataDir) {
        OriginConfig config = OriginConfig.read(ConfigSource.ofEnvironment(Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_RTMP_HOST", "127.0.0.1", "VCDN_RTMP_PORT", "0",
                "VCDN_SRT_HOST", "127.0.0.1", "VCDN_SRT_PORT", "0", "VCDN_WHIP_HOST", "127.0.0.1", "VCDN_WHIP_PORT", "0",
                "VCDN_DATA_DIR", dataDir.toString(), "VCDN_ADMIN_TOKEN", ADMIN_TOKEN)));
        ProcessMetrics metrics = new ProcessMetrics("origin", "test");
        ThumbnailStore thumbnails = new ThumbnailStore();
        OriginVerticle origin = new OriginVerticle(config, new ProcessContext("origin", metrics.registry(), new Readiness()),
                packages -> new Transcoder(new LadderPlanner(LadderPlanner.DEFAULT_STEPS), grant -> new PackagerOutput(packages, grant),
                        List.of(new ThumbnailTap(thumbnails)), metrics.registry(), config.hls().standard().segmentTarget()),
                thumbnails);
        client = WebClient.create(vertx);
        return vertx.deployVerticle(origin).map(id -> {
            httpPort = origin.endpoints().stream().filter(e -> e.name().equals("http")).findFirst().orElseThrow().port();
            rtmpPort = origin.endpoints().stream().filter(e -> e.name().equals("rtmp")).findFirst().orElseThrow().port();
            return null;
        });
    }

    private Future<String> createChannel(String name, JsonObject features) {
        return client.post(httpPort, "127.0.0.1", "/api/channels").bearerTokenAuthentication(ADMIN_TOKEN)
                .sendJsonObject(features.copy().put("name", name)).map(response -> {
                    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
                    return "rtmp://127.0.0.1:" + rtmpPort + "/live/" + response.bodyAsJsonObject().getString("streamKey");
                });
    }

    private Future<HttpResponse<Buffer>> get(String path) {
        return client.get(httpPort, "127.0.0.1", path).send().map(response -> {
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            return response;
        });
    }

    /** Every rendition of the channel lists parts, and its newest part and init segment are served. */
    private Future<List<String>> checkChannel(String channel) {
        return get("/live/" + channel + "/master.m3u8").compose(master -> {
            List<String> renditions = new ArrayList<>();
            PlaylistParser.parseMultivariant(master.bodyAsString()).variants().stream().map(Variant::uri)
                    .forEach(uri -> renditions.add(uri.substring(0, uri.indexOf('/'))));
            renditions.add("audio");
            List<Future<String>> checked = new ArrayList<>();
            for (String rendition : renditions) {
                String base = "/live/" + channel + "/" + rendition + "/";
                checked.add(get(base + "index.m3u8").compose(response -> {
                    MediaPlaylist playlist = PlaylistParser.parseMedia(response.bodyAsString());
                    assertThat(playlist.segments()).as("%s %s has complete segments", channel, rendition).isNotEmpty();
                    var last = playlist.segments().get(playlist.segments().size() - 1);
                    return Future.all(get(base + playlist.mapUri().orElseThrow()), get(base + last.uri())).map(objects -> {
                        assertThat(((HttpResponse<Buffer>) objects.resultAt(0)).body().getString(4, 8)).isEqualTo("ftyp");
                        assertThat(((HttpResponse<Buffer>) objects.resultAt(1)).body().length()).as("%s %s", channel, rendition)
                                .isGreaterThan(1000);
                        return rendition;
                    });
                }));
            }
            return Future.all(checked).map(all -> renditions);
        });
    }

    @Test
    @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
    void everyRenditionOfEveryChannelIsServedWhileTheyAreLiveAtOnce(Vertx vertx, VertxTestContext test, @TempDir Path dataDir)
            throws Exception {
        Path source = TestSources.flv(dataDir, "source", "320x180", 25, 25, 10);
        List<String> channels = new ArrayList<>(LADDERED);
        channels.add(SOURCE_ONLY);
        deploy(vertx, dataDir)
                .compose(deployed -> {
                    List<Future<String>> urls = new ArrayList<>();
                    LADDERED.forEach(name -> urls.add(createChannel(name, new JsonObject())));
                    urls.add(createChannel(SOURCE_ONLY, new JsonObject().put("renditions", new JsonArray().add("source"))));
                    return Future.all(urls).map(all -> all.<String>list());
                })
                .compose(urls -> {
                    for (String url : urls) {
                        vertx.executeBlocking(() -> Publisher.run(List.of(Publisher.bundledFfmpeg().toString(), "-hide_banner",
                                "-loglevel", "error", "-nostdin", "-re", "-i", source.toString(), "-c", "copy", "-f", "flv", url),
                                60), false);
                    }
                    return vertx.timer(7_000);
                })
                .compose(live -> {
                    List<Future<List<String>>> checks = new ArrayList<>();
                    channels.forEach(channel -> checks.add(checkChannel(channel)));
                    return Future.all(checks).compose(all -> get("/live/" + SOURCE_ONLY + "/thumb.jpg").map(thumb -> {
                        List<List<String>> renditions = all.list();
                        return List.of(renditions, thumb.body().length());
                    }));
                })
                .onComplete(test.succeeding(results -> test.verify(() -> {
                    @SuppressWarnings("unchecked")
                    List<List<String>> renditions = (List<List<String>>) results.get(0);
                    for (int i = 0; i < LADDERED.size(); i++) {
                        assertThat(renditions.get(i)).as(LADDERED.get(i)).containsExactlyInAnyOrder("source", "160p", "audio");
                    }
                    assertThat(renditions.get(LADDERED.size())).as("the channel allowed its source only")
                            .containsExactlyInAnyOrder("source", "audio");
                    assertThat((Integer) results.get(1)).as("its thumbnail, from keyframes alone").isGreaterThan(1000);
                    test.completeNow();
                })));
    }
}
