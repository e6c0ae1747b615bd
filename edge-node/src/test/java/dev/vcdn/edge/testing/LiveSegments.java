package dev.vcdn.edge.testing;

import dev.vcdn.shared.hls.AudioRendition;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.MultivariantPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.Variant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What a channel's live URLs served, as a viewer got it: every complete segment of every rendition,
 * fetched from a server (an edge) while it was in the live playlists. Follows on a thread of its own
 * until stopped.
 */
public final class LiveSegments implements AutoCloseable {

    private final HttpClient http;
    private final String base;
    private final Map<String, Map<Long, byte[]>> byRendition = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Thread follower;
    private volatile boolean stopped;

    private LiveSegments(HttpClient http, String server, String channel) {
        this.http = http;
        this.base = server + "/live/" + channel + "/";
        this.follower = new Thread(this::follow, "live-segments");
        follower.setDaemon(true);
    }

    /** Starts following {@code channel} on {@code server}, every second. */
    public static LiveSegments follow(HttpClient http, String server, String channel) {
        LiveSegments segments = new LiveSegments(http, server, channel);
        segments.follower.start();
        return segments;
    }

    private void follow() {
        while (!stopped) {
            try {
                HttpResponse<String> master = http.send(HttpRequest.newBuilder(URI.create(base + "master.m3u8")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (master.statusCode() == 200) {
                    MultivariantPlaylist playlist = PlaylistParser.parseMultivariant(master.body());
                    List<String> media = new ArrayList<>();
                    playlist.variants().stream().map(Variant::uri).forEach(media::add);
                    playlist.audio().stream().map(AudioRendition::uri).forEach(media::add);
                    for (String uri : media) {
                        fetchNew(uri.substring(0, uri.indexOf('/')), uri);
                    }
                }
                TimeUnit.SECONDS.sleep(1);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                errors.add(e.toString());
            }
        }
    }

    private void fetchNew(String rendition, String playlistUri) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + playlistUri)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            return;
        }
        MediaPlaylist playlist = PlaylistParser.parseMedia(answer.body());
        Map<Long, byte[]> fetched = byRendition.computeIfAbsent(rendition, r -> new ConcurrentHashMap<>());
        for (Segment segment : playlist.segments()) {
            if (segment.gap() || fetched.containsKey(segment.msn())) {
                continue;
            }
            HttpResponse<byte[]> bytes = http.send(HttpRequest.newBuilder(URI.create(base + rendition + "/" + segment.uri())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (bytes.statusCode() == 200) {
                fetched.put(segment.msn(), bytes.body());
            } else {
                errors.add("segment " + rendition + "/" + segment.uri() + ": " + bytes.statusCode());
            }
        }
    }

    /** The segments fetched, by rendition and msn. */
    public Map<String, Map<Long, byte[]>> byRendition() {
        return byRendition;
    }

    public List<String> errors() {
        return errors;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        follower.interrupt();
        follower.join(10_000);
    }
}
