package dev.vcdn.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.http.PlaybackPath.Kind;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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

    /**
     * The hand-written parser against the grammar written as patterns (DESIGN.md "Playback URLs"):
     * the same answer for every target built from the URLs' own pieces, well and badly put together.
     */
    @Test
    void agreesWithTheGrammarOnRandomTargets() {
        String[] names = {"alice", "720p", "a-b_c", "x".repeat(32), "y".repeat(33), "Alice", "", "a.b", "%2e", ".."};
        String[] files = {"master.m3u8", "thumb.jpg", "index.m3u8", "init.mp4", "init-42.mp4", "init-.mp4", "42.m4s", "42.3.m4s",
            "123456789012345.m4s", "1234567890123456.m4s", "1.123456.m4s", "1.2.3.m4s", ".m4s", "index.m3u8/", "master.m3u8.x"};
        String[] pairs = {"_HLS_msn=42", "_HLS_part=3", "_HLS_skip=YES", "_HLS_skip=v2", "_HLS_skip=NO", "_HLS_msn=-1",
            "_HLS_msn=1234567890123456", "_HLS_part=123456", "foo=1", "_HLS_msn", "", "_HLS_msn=1=2"};
        String noise = "/?&=.-_aZ09%\u0000";
        Random random = new Random(20261207);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder target = new StringBuilder("/live/").append(names[random.nextInt(names.length)]).append('/');
            if (random.nextBoolean()) {
                target.append(names[random.nextInt(names.length)]).append('/');
            }
            target.append(files[random.nextInt(files.length)]);
            for (int pair = 0, count = random.nextInt(4); pair < count; pair++) {
                target.append(pair == 0 ? '?' : '&').append(pairs[random.nextInt(pairs.length)]);
            }
            // Now and then one character put in, taken out or changed, anywhere.
            for (int edit = random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0; edit > 0; edit--) {
                int at = random.nextInt(target.length());
                switch (random.nextInt(3)) {
                    case 0 -> target.insert(at, noise.charAt(random.nextInt(noise.length())));
                    case 1 -> target.deleteCharAt(at);
                    default -> target.setCharAt(at, noise.charAt(random.nextInt(noise.length())));
                }
            }
            String t = target.toString();
            Optional<PlaybackPath> expected = Grammar.parse(t);
            assertThat(PlaybackPath.parse(t)).as(t).isEqualTo(expected);
            accepted += expected.isPresent() ? 1 : 0;
        }
        assertThat(accepted).as("targets the grammar accepts, among those tried").isGreaterThan(1000);
    }

    /** The playback URL grammar as patterns: slow, plain to read, the reference the parser is held to. */
    private static final class Grammar {
        private static final String NAME = "([a-z0-9_-]{1,32})";
        private static final Pattern MASTER = Pattern.compile("/live/" + NAME + "/master\\.m3u8");
        private static final Pattern THUMB = Pattern.compile("/live/" + NAME + "/thumb\\.jpg");
        private static final Pattern MEDIA = Pattern.compile("/live/" + NAME + "/" + NAME + "/index\\.m3u8");
        private static final Pattern INIT = Pattern.compile("/live/" + NAME + "/" + NAME + "/init(?:-([0-9]{1,15}))?\\.mp4");
        private static final Pattern SEGMENT = Pattern.compile("/live/" + NAME + "/" + NAME + "/([0-9]{1,15})\\.m4s");
        private static final Pattern PART = Pattern.compile("/live/" + NAME + "/" + NAME + "/([0-9]{1,15})\\.([0-9]{1,5})\\.m4s");
        private static final Pattern QUERY_PAIR = Pattern.compile("(_HLS_msn|_HLS_part|_HLS_skip)=([0-9A-Za-z]{1,15})");

        static Optional<PlaybackPath> parse(String target) {
            if (target.isEmpty() || target.length() > PlaybackPath.MAX_TARGET_LENGTH || target.charAt(0) != '/') {
                return Optional.empty();
            }
            int question = target.indexOf('?');
            String path = question < 0 ? target : target.substring(0, question);
            Map<String, String> params = question < 0 ? Map.of() : query(target.substring(question + 1));
            if (params == null) {
                return Optional.empty();
            }
            Matcher m;
            if ((m = MASTER.matcher(path)).matches() && params.isEmpty()) {
                return path(m.group(1), null, Kind.MULTIVARIANT_PLAYLIST, OptionalLong.empty(), OptionalInt.empty(), null);
            }
            if ((m = THUMB.matcher(path)).matches() && params.isEmpty()) {
                return path(m.group(1), null, Kind.THUMBNAIL, OptionalLong.empty(), OptionalInt.empty(), null);
            }
            if ((m = MEDIA.matcher(path)).matches()) {
                String msn = params.get("_HLS_msn");
                String part = params.get("_HLS_part");
                String skip = params.get("_HLS_skip");
                boolean digits = (msn == null || msn.matches("[0-9]{1,15}")) && (part == null || part.matches("[0-9]{1,5}"));
                if (!digits || (part != null && msn == null) || (skip != null && !skip.equals("YES") && !skip.equals("v2"))) {
                    return Optional.empty();
                }
                return path(m.group(1), m.group(2), Kind.MEDIA_PLAYLIST,
                        msn == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(msn)),
                        part == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(part)), skip);
            }
            if (!params.isEmpty()) {
                return Optional.empty();
            }
            if ((m = INIT.matcher(path)).matches()) {
                return path(m.group(1), m.group(2), Kind.INIT,
                        m.group(3) == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(3))), OptionalInt.empty(), null);
            }
            if ((m = SEGMENT.matcher(path)).matches()) {
                return path(m.group(1), m.group(2), Kind.SEGMENT, OptionalLong.of(Long.parseLong(m.group(3))), OptionalInt.empty(), null);
            }
            if ((m = PART.matcher(path)).matches()) {
                return path(m.group(1), m.group(2), Kind.PART, OptionalLong.of(Long.parseLong(m.group(3))),
                        OptionalInt.of(Integer.parseInt(m.group(4))), null);
            }
            return Optional.empty();
        }

        private static Map<String, String> query(String query) {
            if (query.isEmpty()) {
                return null;
            }
            Map<String, String> params = new TreeMap<>();
            for (String pair : query.split("&", -1)) {
                Matcher m = QUERY_PAIR.matcher(pair);
                if (!m.matches() || params.put(m.group(1), m.group(2)) != null) {
                    return null;
                }
            }
            return params;
        }

        private static Optional<PlaybackPath> path(String channel, String rendition, Kind kind, OptionalLong msn, OptionalInt part,
                                                   String skip) {
            return Optional.of(new PlaybackPath(ChannelName.of(channel), Optional.ofNullable(rendition).map(RenditionId::of), kind,
                    msn, part, Optional.ofNullable(skip)));
        }
    }
}
