package dev.vcdn.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.vcdn.shared.testing.JarLifecycle;
import dev.vcdn.shared.testing.LaunchedJar;
import dev.vcdn.shared.testing.OriginEnvironment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against the packaged origin: Debian's ffmpeg (over RTMP and SRT) and GStreamer's
 * rtmp2sink go live and are transcoded into LL-HLS, hostile clients are cut off while the real
 * streams stay live, and channels survive a restart. {@code .ci/run} installs ffmpeg and
 * GStreamer from Debian.
 */
class PublishIT {

    private static final Path JAR = Path.of("target/origin.jar");
    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Skipped on a developer machine without them; in CI (which installs them) their absence fails. */
    @BeforeAll
    static void needsDebianPublishers() {
        for (Path program : List.of(Path.of("/usr/bin/ffmpeg"), Path.of("/usr/bin/gst-launch-1.0"))) {
            if (System.getenv("CI") != null) {
                assertThat(program).as("installed by .ci/run").isExecutable();
            } else {
                assumeThat(program).as("install ffmpeg and GStreamer from Debian to run this test").isExecutable();
            }
        }
    }

    private static LaunchedJar startOrigin(Path dataDir) throws IOException {
        Map<String, String> env = OriginEnvironment.loopback(dataDir, ADMIN_TOKEN, "it-" + UUID.randomUUID());
        env.put("VCDN_RTMP_HANDSHAKE_TIMEOUT", "2s");
        return LaunchedJar.start(JAR, env);
    }

    private static HttpResponse<String> http(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String createChannel(int port, String name) throws Exception {
        HttpResponse<String> response = http(port, "POST", "/api/channels", new JsonObject().put("name", name).encode());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new JsonObject(response.body()).getString("streamKey");
    }

    private static JsonArray streams(int port) throws Exception {
        return new JsonArray(http(port, "GET", "/api/streams", null).body());
    }

    /** Asks until {@code count} streams are live, for at most 15 s. */
    private static JsonArray awaitStreams(int port, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        JsonArray live = streams(port);
        while (live.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            live = streams(port);
        }
        return live;
    }

    /** The transcoder's thumbnail of a live channel, once the ladder has started (at most 15 s). */
    private static HttpResponse<byte[]> awaitThumbnail(int port, String channel) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/live/" + channel + "/thumb.jpg")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        while (response.statusCode() == 404 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        return response;
    }

    private static Process debianFfmpeg(int rtmpPort, String key, int seconds) throws IOException {
        return new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-c:a", "aac", "-t", Integer.toString(seconds),
                "-f", "flv", "rtmp://127.0.0.1:" + rtmpPort + "/live/" + key)
                .redirectErrorStream(true).start();
    }

    private static Process debianFfmpegOverSrt(int srtPort, String key, int seconds) throws IOException {
        return new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-c:a", "aac", "-t", Integer.toString(seconds),
                "-f", "mpegts", "srt://127.0.0.1:" + srtPort + "?streamid=#!::r=live/" + key + ",m=publish")
                .redirectErrorStream(true).start();
    }

    /** What Debian's ffprobe finds in a channel's LL-HLS: codec and height of each stream, once each. */
    private static List<String> probe(int httpPort, String channel) throws Exception {
        awaitCompleteSegments(httpPort, channel);
        Process probe = new ProcessBuilder("/usr/bin/ffprobe", "-v", "error", "-show_entries", "stream=codec_name,height",
                "-of", "csv=p=0", "http://127.0.0.1:" + httpPort + "/live/" + channel + "/master.m3u8").redirectErrorStream(true).start();
        String probed = finish(probe, 30);
        assertThat(probe.exitValue()).as(probed).isZero();
        return probed.lines().distinct().toList();
    }

    /**
     * Until every playlist of the channel lists a whole segment: ffprobe reads segments, not parts,
     * and a stream is watchable (and thumbnailed) at its first part, well before its first segment.
     */
    private static void awaitCompleteSegments(int port, String channel) throws Exception {
        String base = "http://127.0.0.1:" + port + "/live/" + channel + "/";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String master = get(base + "master.m3u8", deadline);
        List<String> playlists = master.lines().flatMap(line -> line.startsWith("#EXT-X-MEDIA") && line.contains("URI=\"")
                ? java.util.stream.Stream.of(line.replaceAll(".*URI=\"([^\"]+)\".*", "$1"))
                : line.isBlank() || line.startsWith("#") ? java.util.stream.Stream.empty() : java.util.stream.Stream.of(line))
                .toList();
        assertThat(playlists).as(master).isNotEmpty();
        for (String playlist : playlists) {
            while (!get(base + playlist, deadline).contains("#EXTINF:")) {
                assertThat(System.nanoTime()).as("a whole segment in %s within 20 s", playlist).isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    /** The body of a 200 answer to {@code url}, asked again until one comes or the deadline passes. */
    private static String get(String url, long deadline) throws Exception {
        while (true) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return response.body();
            }
            assertThat(System.nanoTime()).as("%s answers 200 within 20 s", url).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static Process gstreamer(int rtmpPort, String key, int seconds) throws IOException {
        String pipeline = "videotestsrc is-live=true num-buffers=" + (seconds * 25)
                + " ! video/x-raw,width=320,height=180,framerate=25/1 ! x264enc tune=zerolatency key-int-max=50 ! h264parse"
                + " ! queue ! flvmux name=mux streamable=true ! rtmp2sink location=rtmp://127.0.0.1:" + rtmpPort + "/live/" + key
                + " audiotestsrc is-live=true num-buffers=" + (seconds * 43) + " ! avenc_aac ! aacparse ! queue ! mux.";
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/gst-launch-1.0", "-q", "-e"));
        command.addAll(List.of(pipeline.split(" ")));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finish(Process process, int timeoutSeconds) throws Exception {
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }

    /** True when the server closed the socket (read returns end of stream or the connection resets). */
    private static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        try {
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[8192];
            while (in.read(sink) >= 0) {
                // skip whatever the server answered before closing
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Completes a plain handshake, then sends {@code chunks}. */
    private static Socket handshaken(int rtmpPort, byte[] chunks) throws IOException {
        Socket socket = new Socket("127.0.0.1", rtmpPort);
        OutputStream out = socket.getOutputStream();
        byte[] c0c1 = new byte[1537];
        c0c1[0] = 3;
        out.write(c0c1);
        new DataInputStream(socket.getInputStream()).readFully(new byte[1 + 2 * 1536]);
        out.write(new byte[1536]);
        out.write(chunks);
        out.flush();
        return socket;
    }

    @Test
    void realClientsGoLiveAndHostileOnesAreCutOff(@TempDir Path dataDir) throws Exception {
        String aliceKey;
        try (LaunchedJar origin = startOrigin(dataDir)) {
            Map<String, Integer> ports = origin.awaitStarted(JarLifecycle.START_TIMEOUT);
            int http = ports.get("http");
            int rtmp = ports.get("rtmp");
            aliceKey = createChannel(http, "alice");
            String bobKey = createChannel(http, "bob");
            String carolKey = createChannel(http, "carol");

            Process ffmpeg = debianFfmpeg(rtmp, aliceKey, 8);
            Process gst = gstreamer(rtmp, bobKey, 6);
            Process srt = debianFfmpegOverSrt(ports.get("srt"), carolKey, 8);
            assertThat(awaitStreams(http, 3)).extracting(s -> ((JsonObject) s).getString("channel"))
                    .containsExactlyInAnyOrder("alice", "bob", "carol");
            // GStreamer's publish first (it is the shortest): it once repeated an audio timestamp, which ended its
            // rendition, and with it the channel's transcoding, while the channel stayed listed.
            assertThat(awaitThumbnail(http, "bob").statusCode()).as("the GStreamer stream is transcoded").isEqualTo(200);
            assertThat(probe(http, "bob")).as("LL-HLS of the GStreamer publish").contains("aac", "h264,180", "h264,160");
            HttpResponse<byte[]> thumbnail = awaitThumbnail(http, "alice");
            assertThat(thumbnail.statusCode()).isEqualTo(200);
            assertThat(thumbnail.headers().firstValue("Content-Type")).contains("image/jpeg");
            assertThat(thumbnail.body()).startsWith((byte) 0xFF, (byte) 0xD8);
            JsonObject alice = streams(http).getJsonObject(0);
            assertThat(alice.getJsonArray("renditions")).as("the ladder of a 320x180 source")
                    .containsExactly("source", "160p");
            assertThat(alice.getJsonObject("source").getInteger("height")).isEqualTo(180);
            assertThat(probe(http, "alice")).as("Debian's ffprobe reads the LL-HLS").contains("aac", "h264,180", "h264,160");
            assertThat(awaitThumbnail(http, "carol").statusCode()).as("the SRT stream is transcoded too").isEqualTo(200);
            JsonObject carol = streams(http).stream().map(JsonObject.class::cast)
                    .filter(s -> s.getString("channel").equals("carol")).findFirst().orElseThrow();
            assertThat(carol.getJsonObject("source").getInteger("height")).as("the size SRT does not state, from the decoder")
                    .isEqualTo(180);
            assertThat(probe(http, "carol")).as("LL-HLS of the SRT publish").contains("aac", "h264,180", "h264,160");

            // Junk (an HTTP request), an absurd chunk size, an oversized message and a silent half-open handshake.
            try (Socket junk = new Socket("127.0.0.1", rtmp);
                 Socket absurdChunkSize = handshaken(rtmp, hex("02 000000 000004 01 00000000 7fffffff"));
                 Socket oversized = handshaken(rtmp, hex("03 000000 ffffff 14 00000000"));
                 Socket silent = new Socket("127.0.0.1", rtmp)) {
                junk.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(closedByServer(junk)).as("junk").isTrue();
                assertThat(closedByServer(absurdChunkSize)).as("absurd chunk size").isTrue();
                assertThat(closedByServer(oversized)).as("oversized message").isTrue();
                assertThat(closedByServer(silent)).as("half-open handshake, after the 2 s handshake timeout").isTrue();
            }
            assertThat(streams(http)).as("the real streams carried on").hasSize(3);

            Process wrongKey = debianFfmpeg(rtmp, "sk_wrong", 1);
            assertThat(finish(wrongKey, 30)).contains("unknown stream key");
            assertThat(wrongKey.exitValue()).isNotZero();

            String ffmpegOutput = finish(ffmpeg, 60);
            assertThat(ffmpeg.exitValue()).as(ffmpegOutput).isZero();
            String gstOutput = finish(gst, 60);
            assertThat(gst.exitValue()).as(gstOutput).isZero();
            String srtOutput = finish(srt, 60);
            assertThat(srt.exitValue()).as(srtOutput).isZero();
            assertThat(origin.output()).contains("protocol error: Set Chunk Size 2147483647 outside",
                    "protocol error: message of 16777215 bytes", "not RTMP: first byte 0x47");
            origin.terminate(JarLifecycle.STOP_TIMEOUT);
        }

        // Channels and keys survive a restart: the same key publishes again.
        try (LaunchedJar origin = startOrigin(dataDir)) {
            Map<String, Integer> ports = origin.awaitStarted(JarLifecycle.START_TIMEOUT);
            assertThat(http(ports.get("http"), "GET", "/api/channels", null).body()).contains("\"alice\"", "\"bob\"");
            Process again = debianFfmpeg(ports.get("rtmp"), aliceKey, 1);
            String output = finish(again, 30);
            assertThat(again.exitValue()).as(output).isZero();
            assertThat(origin.output()).contains("stream started: channel=alice");
            origin.terminate(JarLifecycle.STOP_TIMEOUT);
        }
    }

    private static byte[] hex(String hex) {
        return java.util.HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}
