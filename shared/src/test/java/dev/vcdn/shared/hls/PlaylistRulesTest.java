package dev.vcdn.shared.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlaylistRulesTest {

    private static MediaPlaylist with(List<Segment> segments, double partHoldBack) {
        return new MediaPlaylist(9, 2, 10, 0, Optional.of(0.33334),
                Optional.of(new ServerControl(true, Optional.of(12.0), false, Optional.empty(), Optional.of(partHoldBack))),
                Optional.of("init.mp4"), 0, segments, List.of(), Optional.empty(), List.of(), false);
    }

    @Test
    void theOriginsOwnPlaylistKeepsEveryRule() {
        assertThat(PlaylistRules.violations(PlaylistWriterParserTest.live(8))).isEmpty();
        assertThat(PlaylistRules.violations(PlaylistWriterParserTest.live(8).skipOlderThan(12))).isEmpty();
    }

    @Test
    void eachBrokenRuleIsNamed() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<Segment> bad = List.of(
                new Segment(10, 2.6, "10.m4s", Optional.of(t), false,
                        List.of(new Part(0.5, "10.0.m4s", true))),
                new Segment(12, 2.0, "../12.m4s", Optional.of(t), false,
                        List.of(new Part(0.3, "12.0.m4s", false))));
        assertThat(PlaylistRules.violations(with(bad, 0.5))).containsExactlyInAnyOrder(
                "segment 10 lasts 2.6 s, rounded above TARGETDURATION 2",
                "segment 12 where 11 was due",
                "segment 12 does not start with an independent part",
                "PROGRAM-DATE-TIME of segment 12 does not move forward",
                "URI '../12.m4s' does not resolve below the playlist",
                "part 10.0.m4s lasts 0.5 s, above PART-TARGET 0.33334",
                "PART-HOLD-BACK must be at least twice PART-TARGET 0.33334");
    }

    @Test
    void serverControlLimits() {
        MediaPlaylist playlist = new MediaPlaylist(9, 2, 0, 0, Optional.empty(),
                Optional.of(new ServerControl(true, Optional.of(6.0), false, Optional.of(4.0), Optional.empty())),
                Optional.empty(), 0, List.of(), List.of(), Optional.empty(), List.of(), false);
        assertThat(PlaylistRules.violations(playlist)).containsExactly(
                "CAN-SKIP-UNTIL 6.0 is below six target durations", "HOLD-BACK 4.0 is below three target durations");
    }
}
