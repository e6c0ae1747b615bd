package dev.vcdn.origin.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.recording.SegmentFile;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingPlaylistsTest {

    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

    /** A folder listing: init segments and segments {@code msns}, 2 s each, discontinuity numbers as given. */
    private static List<String> listing(long[] msns, long[] discontinuities, String... inits) {
        List<String> names = new ArrayList<>(List.of(inits));
        names.add("rendition.json");
        for (int i = 0; i < msns.length; i++) {
            names.add(new SegmentFile(msns[i], START.plusSeconds(2 * msns[i]), i == 1 ? 2400 : 2000, discontinuities[i]).name());
        }
        return names;
    }

    @Test
    void anEndedRecordingIsAVodPlaylistWithItsBreaks() {
        // 10, 11 | reconnect: 12 (new init) | rendition down for 13: 14
        List<String> names = listing(new long[] {10, 11, 12, 14}, new long[] {0, 0, 1, 1}, "init-10.mp4", "init-12.mp4");
        String text = RecordingPlaylists.media(names, true, 2, Duration.ZERO).orElseThrow();
        assertThat(text).contains("#EXT-X-PLAYLIST-TYPE:VOD\n").contains("#EXT-X-TARGETDURATION:3\n").endsWith("#EXT-X-ENDLIST\n");
        MediaPlaylist playlist = PlaylistParser.parseMedia(text);
        assertThat(playlist.mediaSequence()).isZero();
        assertThat(playlist.mapUri()).contains("init-10.mp4");
        assertThat(playlist.segments()).extracting(s -> s.uri()).containsExactly(
                names.get(3), names.get(4), names.get(5), names.get(6));
        assertThat(playlist.segments()).extracting(s -> s.discontinuity()).containsExactly(false, false, true, true);
        assertThat(playlist.segments().get(2).map()).contains("init-12.mp4");
        assertThat(playlist.segments().get(3).map()).isEmpty();
        assertThat(playlist.segments().stream().mapToDouble(s -> s.duration()).sum()).isEqualTo(8.4);
    }

    @Test
    void aLiveRecordingIsAnEventPlaylistFromTheStartThatKeepsTheLiveTarget() {
        List<String> names = listing(new long[] {10, 11, 12}, new long[] {0, 0, 0}, "init-10.mp4");
        String text = RecordingPlaylists.media(names, false, 4, Duration.ZERO).orElseThrow();
        assertThat(text).contains("#EXT-X-PLAYLIST-TYPE:EVENT\n").contains("#EXT-X-TARGETDURATION:4\n").doesNotContain("ENDLIST");
        assertThat(PlaylistParser.parseMedia(text).segments()).hasSize(3);
    }

    @Test
    void aDvrDepthSlidesTheLivePlaylistAndCountsWhatLeft() {
        long[] msns = new long[40];
        long[] discontinuities = new long[40];
        for (int i = 0; i < 40; i++) {
            msns[i] = 100 + i;
            discontinuities[i] = i < 5 ? 0 : 2;
        }
        List<String> names = listing(msns, discontinuities, "init-100.mp4", "init-105.mp4");
        String text = RecordingPlaylists.media(names, false, 2, Duration.ofSeconds(20)).orElseThrow();
        assertThat(text).doesNotContain("PLAYLIST-TYPE");
        MediaPlaylist playlist = PlaylistParser.parseMedia(text);
        assertThat(playlist.segments()).hasSize(10);
        assertThat(playlist.mediaSequence()).isEqualTo(30);
        assertThat(playlist.discontinuitySequence()).isEqualTo(1);
        assertThat(playlist.mapUri()).contains("init-105.mp4");
        // Ended, the same recording lists everything again.
        assertThat(PlaylistParser.parseMedia(RecordingPlaylists.media(names, true, 2, Duration.ofSeconds(20)).orElseThrow())
                .segments()).hasSize(40);
    }

    @Test
    void noSegmentNoPlaylist() {
        assertThat(RecordingPlaylists.media(List.of("init-1.mp4", "rendition.json", ".2_3_4_0.m4s.x.tmp"), true, 2, Duration.ZERO))
                .isEmpty();
    }

    @Test
    void theMultivariantPlaylistListsVideoRungsWithTheAudio() {
        JsonObject video = new JsonObject().put("id", "720p").put("kind", "video").put("codecs", "avc1.64001f").put("width", 1280)
                .put("height", 720).put("fps", 30.0).put("averageBandwidth", 2_500_000L).put("bandwidth", 3_000_000L);
        JsonObject low = video.copy().put("id", "360p").put("width", 640).put("height", 360).put("averageBandwidth", 800_000L)
                .put("bandwidth", 1_000_000L);
        JsonObject audio = new JsonObject().put("id", "audio").put("kind", "audio").put("codecs", "mp4a.40.2")
                .put("averageBandwidth", 128_000L).put("bandwidth", 128_000L);
        var playlist = RecordingPlaylists.multivariant(List.of(low, audio, video)).orElseThrow();
        assertThat(playlist.variants()).extracting(v -> v.uri()).containsExactly("720p/index.m3u8", "360p/index.m3u8");
        assertThat(playlist.variants().get(0).bandwidth()).isEqualTo(3_128_000L);
        assertThat(playlist.variants().get(0).codecs()).isEqualTo("avc1.64001f,mp4a.40.2");
        assertThat(playlist.audio()).singleElement().satisfies(a -> assertThat(a.uri()).isEqualTo("audio/index.m3u8"));
        assertThat(RecordingPlaylists.multivariant(List.of(audio))).isEmpty();
    }

    @Test
    void aSegmentWrittenTwiceIsListedOnceTheLongerOne() {
        List<String> names = new ArrayList<>(List.of("init-1.mp4", new SegmentFile(1, START, 2000, 0).name(),
                new SegmentFile(2, START.plusSeconds(2), 900, 0).name(), new SegmentFile(2, START.plusSeconds(2), 2000, 0).name()));
        MediaPlaylist playlist = PlaylistParser.parseMedia(RecordingPlaylists.media(names, true, 2, Duration.ZERO).orElseThrow());
        assertThat(playlist.segments()).extracting(s -> s.duration()).containsExactly(2.0, 2.0);
    }
}
