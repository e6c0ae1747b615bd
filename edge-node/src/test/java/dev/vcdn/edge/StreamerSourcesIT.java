package dev.vcdn.edge;

import static dev.vcdn.edge.testing.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vcdn.edge.testing.BrowserRun;
import dev.vcdn.edge.testing.LiveOrigin;
import dev.vcdn.edge.testing.TestEdge;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.MultivariantPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.Variant;
import dev.vcdn.shared.testing.BrowserScripts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources as streamers' encoders really send them, each published with Debian's ffmpeg over
 * RTMP and checked where viewers are: through an edge, with ffprobe, ffmpeg and the watch page in
 * Chromium. Surround sound, a clock that jumps two minutes, sound without a picture (a radio
 * show), interlaced video (a broadcast encoder), 60 pictures a second, a picture without sound,
 * and a variable frame rate (a screen capture that sends only changed pictures).
 */
class StreamerSourcesIT {

    private static final Path CHECK = Path.of("target/source-check");
    private static final Path FFPROBE = Path.of("/usr/bin/ffprobe");
    /** Longer than the checks take: each publisher is stopped at the end. */
    private static final int SECONDS = 240;
    /** Where the jumping source's clock skips two minutes ahead, in its own seconds. */
    private static final int JUMP_AT = 6;
    /** What ffmpeg's idet filter counts over the pictures it read: combed (fields of two moments) or whole. */
    private static final Pattern IDET = Pattern.compile("Multi frame detection: TFF: *(\\d+) BFF: *(\\d+) Progressive: *(\\d+)");

    private LiveOrigin origin;
    private TestEdge edge;
    private final List<Process> publishers = new ArrayList<>();

    @BeforeAll
    static void needsChromiumFfmpegAndNode() throws Exception {
        BrowserScripts.prepare(Path.of("src/test/browser"), CHECK, List.of("package.json", "package-lock.json", "source-check.mjs"),
                List.of(LiveOrigin.FFMPEG, FFPROBE));
    }

    @AfterEach
    void stop() throws Exception {
        publishers.forEach(Process::destroyForcibly);
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void whatEncodersSendPlaysThroughAnEdge(@TempDir Path dataDir) throws Exception {
        origin = LiveOrigin.startEmpty(dataDir);
        edge = TestEdge.start(origin.httpPort());
        String picture = "testsrc2=size=320x180:rate=30:duration=" + SECONDS;
        String tone = "sine=frequency=440:sample_rate=48000:duration=" + SECONDS;
        String x264 = "-pix_fmt yuv420p -c:v libx264 -preset ultrafast -tune zerolatency -g 60";
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sources.put("surround", args("-f lavfi -i " + picture + " -f lavfi -i sine=frequency=440:sample_rate=44100:duration="
                + SECONDS + ",aformat=channel_layouts=5.1 " + x264 + " -c:a aac -ac 6"));
        sources.put("jump", args("-f lavfi -i " + picture + " -f lavfi -i " + tone
                + " -vf setpts=PTS+if(gte(T\\," + JUMP_AT + ")\\,120/TB\\,0) -af asetpts=PTS+if(gte(T\\," + JUMP_AT
                + ")\\,120/TB\\,0) " + x264 + " -c:a aac"));
        sources.put("radio", args("-f lavfi -i " + tone + " -c:a aac -b:a 96k"));
        sources.put("broadcast", args("-f lavfi -i testsrc2=size=640x360:rate=50:duration=" + SECONDS + " -f lavfi -i " + tone
                + " -vf tinterlace=mode=interleave_top,fieldorder=tff " + x264 + " -flags +ildct+ilme -x264opts tff=1"
                + " -c:a aac"));
        sources.put("sixty", args("-f lavfi -i testsrc2=size=640x360:rate=60:duration=" + SECONDS + " -f lavfi -i " + tone
                + " -pix_fmt yuv420p -c:v libx264 -preset ultrafast -tune zerolatency -g 120 -c:a aac"));
        sources.put("silent", args("-f lavfi -i " + picture + " " + x264));
        sources.put("screen", args("-f lavfi -i " + picture + " -f lavfi -i " + tone
                + " -vf select=lt(random(0)\\,0.5) -fps_mode vfr " + x264 + " -c:a aac"));
        for (Map.Entry<String, List<String>> source : sources.entrySet()) {
            publishers.add(publish(origin.createChannel(source.getKey()), source.getValue()));
        }
        for (String channel : sources.keySet()) {
            edge.awaitStatus("/live/" + channel + "/master.m3u8", 200);
        }
        TimeUnit.SECONDS.sleep(JUMP_AT + 6); // past the jump, and a few segments after it, still in the playlists

        // A clock that jumps two minutes: segments stay as long as the target, dates stay now.
        for (Variant variant : master("jump").variants()) {
            MediaPlaylist media = media("jump", variant.uri());
            for (Segment segment : media.segments()) {
                assertThat(segment.duration()).as("segment %d of %s", segment.msn(), variant.uri())
                        .isLessThanOrEqualTo(media.targetDuration() + 0.5);
            }
            Instant newest = media.segments().get(media.segments().size() - 1).programDateTime().orElseThrow();
            assertThat(Duration.between(newest, Instant.now()).abs()).as("the newest segment's date").isLessThan(Duration.ofSeconds(10));
        }
        assertThat(origin.admin("GET", "/metrics", null).body()).containsPattern("vcdn_ingest_timestamp_jumps_total\\{[^}]*\\} [1-9]");

        // Every part a playlist hints comes to exist, for sources passed through (regular GOPs) and rungs encoded here.
        Map<String, Map<Integer, Integer>> hinted = followHints(List.of("jump", "broadcast", "screen"), Duration.ofSeconds(8));
        System.out.println("hinted parts by status: " + hinted);
        hinted.forEach((rendition, statuses) -> {
            assertThat(statuses.keySet()).as(rendition + ": " + statuses).containsOnly(200);
            assertThat(statuses.get(200)).as(rendition).isGreaterThan(15);
        });

        // The watch page plays each, the radio show as "Audio only".
        JsonObject watched = BrowserRun.run(CHECK, line -> { }, "node", "source-check.mjs", edge.url(), "surround", "jump",
                "radio", "broadcast", "sixty", "silent", "screen");
        System.out.println("watch pages: " + watched.encode());
        assertThat(watched.getJsonArray("errors")).isEmpty();
        for (String channel : sources.keySet()) {
            JsonObject page = watched.getJsonObject("channels").getJsonObject(channel);
            assertThat(page.getJsonArray("errors")).as(channel + ": " + page.encode()).isEmpty();
            assertThat(page.getDouble("played")).as(channel + " plays: " + page.encode()).isGreaterThan(4.0);
            assertThat(page.getString("state")).as(channel).isEqualTo("playing");
        }
        JsonObject radioPage = watched.getJsonObject("channels").getJsonObject("radio");
        assertThat(radioPage.getInteger("videoHeight")).isZero();
        assertThat(radioPage.getJsonArray("quality").encode()).contains("Audio only");
        assertThat(watched.getJsonObject("channels").getJsonObject("screen").getInteger("videoHeight")).isEqualTo(180);

        // Surround sound reaches viewers as stereo AAC at its own rate: what every device plays.
        JsonObject surround = probe("surround");
        assertThat(audio(surround).getInteger("channels")).as(surround.encode()).isEqualTo(2);
        assertThat(audio(surround).getString("sample_rate")).isEqualTo("44100");

        // Sound without a picture: one audio variant, no resolution, nothing waiting for video.
        MultivariantPlaylist radio = master("radio");
        assertThat(radio.variants()).hasSize(1);
        assertThat(radio.variants().get(0).codecs()).isEqualTo("mp4a.40.2");
        assertThat(edge.get("/live/radio/master.m3u8")).doesNotContain("RESOLUTION");
        JsonArray radioStreams = probe("radio").getJsonArray("streams");
        assertThat(radioStreams).hasSize(1);
        assertThat(radioStreams.getJsonObject(0).getString("codec_type")).isEqualTo("audio");

        // Interlaced (a broadcast encoder's 50 fields a second): whole pictures at 25 a second, no combs left.
        for (Variant variant : master("broadcast").variants()) {
            String fields = run(LiveOrigin.FFMPEG.toString(), "-nostdin", "-i", edge.url() + "/live/broadcast/" + variant.uri(),
                    "-t", "4", "-vf", "idet", "-f", "null", "-");
            Matcher detected = IDET.matcher(fields);
            assertThat(detected.find()).as(fields).isTrue();
            assertThat(Integer.parseInt(detected.group(1)) + Integer.parseInt(detected.group(2))).as("combed pictures in "
                    + variant.uri() + ": " + detected.group()).isLessThanOrEqualTo(Integer.parseInt(detected.group(3)) / 20);
            assertThat(variant.frameRate()).isEqualTo(25.0);
        }

        // 60 pictures a second: the source as it came, the rungs below at half its rate.
        MultivariantPlaylist sixty = master("sixty");
        assertThat(sixty.variants()).extracting(Variant::height, Variant::frameRate).contains(
                tuple(360, 60.0), tuple(160, 30.0));

        // A picture without sound: no audio group, nothing waiting for audio.
        assertThat(master("silent").audio()).isEmpty();
        assertThat(master("silent").variants()).allMatch(variant -> !variant.codecs().contains("mp4a"));

        // A variable frame rate: planned, every rendition's decode times rising, segments within the target.
        for (Variant variant : master("screen").variants()) {
            MediaPlaylist media = media("screen", variant.uri());
            assertThat(media.segments()).isNotEmpty();
            media.segments().forEach(segment -> assertThat(segment.duration()).isLessThanOrEqualTo(media.targetDuration() + 0.5));
            List<Long> dts = run(FFPROBE.toString(), "-v", "error", "-select_streams", "v", "-read_intervals", "%+6",
                    "-show_entries", "packet=dts", "-of", "csv=p=0", edge.url() + "/live/screen/" + variant.uri()).lines()
                    .filter(line -> !line.isBlank()).map(line -> Long.parseLong(line.trim().replace(",", ""))).toList();
            assertThat(dts).as(variant.uri()).hasSizeGreaterThan(20);
            for (int i = 1; i < dts.size(); i++) {
                assertThat(dts.get(i)).as("packet %d of %s", i, variant.uri()).isGreaterThan(dts.get(i - 1));
            }
        }

        // ffmpeg takes every packet of each through the edge without an error, and decodes the sound.
        for (String channel : sources.keySet()) {
            assertThat(run(LiveOrigin.FFMPEG.toString(), "-v", "error", "-nostdin", "-i", edge.url() + "/live/" + channel
                    + "/master.m3u8", "-map", "0", "-c", "copy", "-t", "4", "-f", "null", "-")).as(channel).isEmpty();
            if (channel.equals("silent")) {
                continue;
            }
            assertThat(run(LiveOrigin.FFMPEG.toString(), "-v", "error", "-nostdin", "-i", edge.url() + "/live/" + channel
                    + "/master.m3u8", "-map", "0:a", "-t", "4", "-f", "null", "-")).as(channel + "'s sound").isEmpty();
        }
    }

    /**
     * Follows each video rendition of {@code channels} as an LL-HLS player does for {@code time}:
     * ask for the hinted part (held until it exists), then reload the playlist blocking until it
     * lists that part. Returns, per rendition, how many hinted parts got each status.
     */
    private Map<String, Map<Integer, Integer>> followHints(List<String> channels, Duration time) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        Map<String, Map<Integer, Integer>> statuses = new ConcurrentHashMap<>();
        List<Thread> players = new ArrayList<>();
        long deadline = System.nanoTime() + time.toNanos();
        for (String channel : channels) {
            for (Variant variant : master(channel).variants()) {
                String media = edge.url() + "/live/" + channel + "/" + variant.uri();
                String rendition = media.substring(0, media.lastIndexOf('/') + 1);
                Map<Integer, Integer> counts = statuses.computeIfAbsent(channel + "/" + variant.uri(), key -> new ConcurrentHashMap<>());
                Thread player = new Thread(() -> {
                    try {
                        MediaPlaylist playlist = PlaylistParser.parseMedia(body(client, media));
                        while (System.nanoTime() < deadline) {
                            String hint = playlist.preloadHint().orElseThrow();
                            counts.merge(client.send(HttpRequest.newBuilder(URI.create(rendition + hint)).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode(), 1, Integer::sum);
                            String[] msnAndPart = hint.split("\\.");
                            playlist = PlaylistParser.parseMedia(body(client, media + "?_HLS_msn=" + msnAndPart[0]
                                    + "&_HLS_part=" + msnAndPart[1]));
                        }
                    } catch (Exception e) {
                        counts.merge(-1, 1, Integer::sum);
                    }
                }, "player of " + channel + "/" + variant.uri());
                player.start();
                players.add(player);
            }
        }
        for (Thread player : players) {
            player.join(time.plusSeconds(30).toMillis());
        }
        return statuses;
    }

    private static String body(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static List<String> args(String line) {
        return List.of(line.split(" "));
    }

    private static Process publish(String rtmpUrl, List<String> source) throws IOException {
        List<String> command = new ArrayList<>(List.of(LiveOrigin.FFMPEG.toString(), "-hide_banner", "-loglevel", "error",
                "-nostdin", "-re"));
        command.addAll(source);
        command.addAll(List.of("-f", "flv", rtmpUrl));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private MultivariantPlaylist master(String channel) throws Exception {
        return PlaylistParser.parseMultivariant(edge.get("/live/" + channel + "/master.m3u8"));
    }

    private MediaPlaylist media(String channel, String uri) throws Exception {
        return PlaylistParser.parseMedia(edge.get("/live/" + channel + "/" + uri));
    }

    private JsonObject probe(String channel) throws Exception {
        return new JsonObject(run(FFPROBE.toString(), "-v", "error", "-show_entries",
                "stream=codec_type,codec_name,channels,sample_rate,width,height", "-of", "json",
                edge.url() + "/live/" + channel + "/master.m3u8"));
    }

    private static JsonObject audio(JsonObject probed) {
        return probed.getJsonArray("streams").stream().map(JsonObject.class::cast)
                .filter(stream -> "audio".equals(stream.getString("codec_type"))).findFirst().orElseThrow();
    }
}
