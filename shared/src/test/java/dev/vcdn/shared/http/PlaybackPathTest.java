package dev.vcdn.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.http.PlaybackPath.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlaybackPathTest {

    @ParameterizedTest
    @CsvSource({
        "/live/alice/master.m3u8, MULTIVARIANT_PLAYLIST, /live/alice/master.m3u8",
        "/live/alice/thumb.jpg, THUMBNAIL, /live/alice/thumb.jpg",
        "/live/alice/720p/index.m3u8, MEDIA_PLAYLIST, /live/alice/720p/index.m3u8",
        "/live/alice/720p/index.m3u8?_HLS_part=2&_HLS_msn=10, MEDIA_PLAYLIST, /live/alice/720p/index.m3u8?_HLS_msn=10&_HLS_part=2",
        "/live/alice/720p/index.m3u8?_HLS_msn=10&_HLS_skip=YES, MEDIA_PLAYLIST, /live/alice/720p/index.m3u8?_HLS_msn=10&_HLS_skip=YES",
        "/live/alice/480p-av1/init.mp4, INIT, /live/alice/480p-av1/init.mp4",
        "/live/alice/720p/init-42.mp4, INIT, /live/alice/720p/init-42.mp4",
        "/live/alice/audio/42.m4s, SEGMENT, /live/alice/audio/42.m4s",
        "/live/alice/source/42.3.m4s, PART, /live/alice/source/42.3.m4s"})
    void canonicalRequestsParseAndPrintTheSame(String target, Kind kind, String canonical) {
        PlaybackPath path = PlaybackPath.parse(target).orElseThrow();
        assertThat(path.object()).isEqualTo(kind);
        assertThat(path.canonical()).isEqualTo(canonical);
        assertThat(PlaybackPath.parse(path.canonical())).contains(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "live/alice/master.m3u8", "/live/../alice/master.m3u8", "/live/alice/%2e%2e/master.m3u8",
        "/live/alice%2Fbob/master.m3u8", "//evil.example/live/alice/master.m3u8", "http://x/live/alice/master.m3u8",
        "/live/Alice/master.m3u8", "/live/alice//720p/index.m3u8", "/live/alice/720p/index.m3u8?_HLS_part=1",
        "/live/alice/720p/index.m3u8?foo=1", "/live/alice/720p/index.m3u8?_HLS_msn=1&_HLS_msn=2",
        "/live/alice/720p/index.m3u8?_HLS_skip=NO", "/live/alice/720p/index.m3u8?", "/live/alice/720p/1.m4s?_HLS_msn=1",
        "/live/alice/master.m3u8?x", "/live/alice/720p/1.2.3.m4s", "/live/alice/720p/init.mp4\u0000",
        "/live/alice/720p/99999999999999999.m4s", "/live/alice/720p/index.m3u8?_HLS_msn=-1", "/live/alice/720p/init-.mp4",
        "/live/alice/720p/init-x.mp4", "/live/alice/720p/init-1.2.mp4", "/live/alice/720p/init-1234567890123456.mp4"})
    void everythingElseIsRefused(String target) {
        assertThat(PlaybackPath.parse(target)).as(target).isEmpty();
    }
}
