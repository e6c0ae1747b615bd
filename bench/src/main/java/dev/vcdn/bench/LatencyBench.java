package dev.vcdn.bench;

import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.Part;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * bench/llhls: how long after a part's last frame (by its PROGRAM-DATE-TIME) a client holding the
 * preload hint has the part, against the anchor of the ffmpeg program of the same build writing
 * plain 2 s fMP4 HLS, where a client sees a segment when its playlist lists it.
 *
 * <p>Usage: {@code LatencyBench SECONDS}; prints the figures as Markdown.
 */
public final class LatencyBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Delays after a media object's last frame, and ages of the newest media a client could fetch. */
    record Samples(List<Long> delivery, List<Long> freshness) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        String ffmpeg = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        Samples ours = lowLatency(ffmpeg, seconds);
        Samples anchor = plainHls(ffmpeg, seconds);
        System.out.println("| delivery | samples | object ready after its last frame, median / p95 ms | age of the newest fetchable media, median / p95 ms |");
        System.out.println("| --- | --- | --- | --- |");
        System.out.printf("| origin LL-HLS, 0.334 s parts, preload hint held | %d | %d / %d | %d / %d |%n", ours.delivery().size(),
                median(ours.delivery()), p95(ours.delivery()), median(ours.freshness()), p95(ours.freshness()));
        System.out.printf("| ffmpeg CLI HLS, 2 s fMP4 segments, playlist polled every 20 ms | %d | %d / %d | %d / %d |%n",
                anchor.delivery().size(), median(anchor.delivery()), p95(anchor.delivery()), median(anchor.freshness()),
                p95(anchor.freshness()));
        // Both are measured against the publisher's clock as the first packet fixed it; a real encoder emits its
        // first packet late (start-up), which shifts every figure by the same amount. Staleness beyond each
        // method's own delivery delay removes that shift.
        long oursStale = median(ours.freshness()) - median(ours.delivery());
        long anchorStale = median(anchor.freshness()) - median(anchor.delivery());
        System.out.printf("%n- newest fetchable media, older than its delivery delay by: origin %d ms, ffmpeg HLS %d ms; "
                + "ratio origin / ffmpeg HLS = **%.2f**%n", oursStale, anchorStale, (double) oursStale / anchorStale);
        System.exit(0);
    }

    private static Samples lowLatency(String ffmpeg, int seconds) throws Exception {
        BenchOrigin origin = BenchOrigin.start(ffmpeg, "1280x720", seconds + 8, List.of("-readrate_initial_burst", "0"));
        int http = origin.httpPort();
        List<Long> latencies = new ArrayList<>();
        List<Long> freshness = new ArrayList<>();
        String base = "http://127.0.0.1:" + http + "/live/bench/source/";
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 6);
        long warmUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (System.nanoTime() < end) {
            HttpResponse<String> playlist = get(base + "index.m3u8");
            if (playlist.statusCode() != 200) {
                TimeUnit.MILLISECONDS.sleep(100);
                continue;
            }
            MediaPlaylist current = PlaylistParser.parseMedia(playlist.body());
            Optional<String> hint = current.preloadHint();
            if (hint.isEmpty()) {
                break;
            }
            if (System.nanoTime() > warmUp) {
                newestEnd(current).ifPresent(newest -> freshness.add(Instant.now().toEpochMilli() - newest.toEpochMilli()));
            }
            String[] numbers = hint.get().split("\\.");
            HttpResponse<String> part = get(base + hint.get());
            Instant received = Instant.now();
            if (part.statusCode() != 200 || System.nanoTime() < warmUp) {
                continue;
            }
            MediaPlaylist after = PlaylistParser.parseMedia(get(base + "index.m3u8?_HLS_msn=" + numbers[0] + "&_HLS_part="
                    + numbers[1]).body());
            partEnd(after, Long.parseLong(numbers[0]), Integer.parseInt(numbers[1]))
                    .ifPresent(partEnd -> latencies.add(received.toEpochMilli() - partEnd.toEpochMilli()));
        }
        origin.close();
        return new Samples(latencies, freshness);
    }

    /** Wall-clock end of the newest media the playlist lists (its last part, or its last segment). */
    private static Optional<Instant> newestEnd(MediaPlaylist playlist) {
        if (playlist.segments().isEmpty()) {
            return Optional.empty();
        }
        Segment last = playlist.segments().get(playlist.segments().size() - 1);
        if (last.programDateTime().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(end(last.programDateTime().get().plusMillis(Math.round(last.duration() * 1000)), playlist.pendingParts()));
    }

    /** Wall-clock end of part {@code index} of segment {@code msn}: its segment's date plus the parts before it and itself. */
    private static Optional<Instant> partEnd(MediaPlaylist playlist, long msn, int index) {
        List<Segment> segments = new ArrayList<>(playlist.segments());
        for (Segment segment : segments) {
            if (segment.msn() == msn && index < segment.parts().size() && segment.programDateTime().isPresent()) {
                return Optional.of(end(segment.programDateTime().get(), segment.parts().subList(0, index + 1)));
            }
        }
        Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        if (last != null && last.msn() + 1 == msn && index < playlist.pendingParts().size() && last.programDateTime().isPresent()) {
            Instant start = last.programDateTime().get().plusMillis(Math.round(last.duration() * 1000));
            return Optional.of(end(start, playlist.pendingParts().subList(0, index + 1)));
        }
        return Optional.empty();
    }

    private static Instant end(Instant start, List<Part> parts) {
        return start.plusMillis(Math.round(parts.stream().mapToDouble(Part::duration).sum() * 1000));
    }

    private static Samples plainHls(String ffmpeg, int seconds) throws Exception {
        Path directory = Files.createTempDirectory("hls-anchor");
        Path playlistFile = directory.resolve("index.m3u8");
        Process writer = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                "-readrate_initial_burst", "0",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine",
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60", "-c:a", "aac",
                "-t", Integer.toString(seconds + 4), "-f", "hls", "-hls_time", "2", "-hls_segment_type", "fmp4",
                "-hls_flags", "program_date_time+independent_segments", "-hls_list_size", "10", playlistFile.toString())
                .redirectErrorStream(true).start();
        List<Long> latencies = new ArrayList<>();
        List<Long> freshness = new ArrayList<>();
        long lastSeen = -1;
        long warmUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (writer.isAlive()) {
            TimeUnit.MILLISECONDS.sleep(20);
            if (!Files.exists(playlistFile)) {
                continue;
            }
            MediaPlaylist playlist;
            try {
                playlist = PlaylistParser.parseMedia(Files.readString(playlistFile));
            } catch (RuntimeException partlyWritten) {
                continue;
            }
            Instant seen = Instant.now();
            if (System.nanoTime() > warmUp) {
                newestEnd(playlist).ifPresent(newest -> freshness.add(seen.toEpochMilli() - newest.toEpochMilli()));
            }
            for (Segment segment : playlist.segments()) {
                if (segment.msn() > lastSeen && segment.programDateTime().isPresent()) {
                    lastSeen = segment.msn();
                    if (System.nanoTime() > warmUp) {
                        Instant segmentEnd = segment.programDateTime().get().plusMillis(Math.round(segment.duration() * 1000));
                        latencies.add(seen.toEpochMilli() - segmentEnd.toEpochMilli());
                    }
                }
            }
        }
        return new Samples(latencies, freshness);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    private static long p95(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.95) - 1));
    }
}
