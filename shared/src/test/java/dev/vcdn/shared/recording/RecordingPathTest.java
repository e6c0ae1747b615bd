package dev.vcdn.shared.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordingPathTest {

    private static final RecordingId ID = new RecordingId(ChannelName.of("alice"), StreamId.of("Xy3_k9-A"));

    @Test
    void everyShapeParsesToItselfAndItsStoreKey() {
        SegmentFile segment = new SegmentFile(1765100000123L, Instant.ofEpochMilli(1765100000000L), 2002, 1);
        List<String> targets = List.of("/recordings/alice.Xy3_k9-A/master.m3u8", "/recordings/alice.Xy3_k9-A/thumb.jpg",
                "/recordings/alice.Xy3_k9-A/720p/index.m3u8", "/recordings/alice.Xy3_k9-A/720p/init-1765100000123.mp4",
                "/recordings/alice.Xy3_k9-A/720p/" + segment.name());
        for (String target : targets) {
            Optional<RecordingPath> parsed = RecordingPath.parse(target);
            assertThat(parsed).as(target).isPresent();
            assertThat(parsed.get().canonical()).isEqualTo(target);
            assertThat(parsed.get().recording()).isEqualTo(ID);
        }
        assertThat(RecordingPath.parse(targets.get(4)).orElseThrow().storeKey())
                .contains("alice/Xy3_k9-A/720p/" + segment.name());
        assertThat(RecordingPath.parse(targets.get(0)).orElseThrow().storeKey()).isEmpty();
        assertThat(RecordingPath.master(ID)).isEqualTo(targets.get(0));
    }

    @Test
    void anythingElseIsRefused() {
        for (String target : List.of("/recordings/", "/recordings/alice/master.m3u8", "/recordings/alice.Xy3/master.m3u8?x=1",
                "/recordings/Alice.Xy3/master.m3u8", "/recordings/alice.Xy3/../bob.Q/master.m3u8",
                "/recordings/alice.Xy3/720p/recording.json", "/recordings/alice.Xy3/720p/init.mp4",
                "/recordings/alice.Xy3/720p/init-012.mp4", "/recordings/alice.Xy3/720p/1_2_3.m4s",
                "/recordings/alice.Xy3/720p/1_2_0_0.m4s", "/recordings/alice.Xy3/720p/01_2_3_0.m4s",
                "/recordings/alice.Xy3/720p/1_2_3_0.m4s/x", "/recordings/alice.Xy3//index.m3u8",
                "/recordings/alice.Xy.3/master.m3u8", "/recordings/alice.Xy3/7 20p/index.m3u8",
                "/recordings/alice.Xy3/720p/9999999999999999_2_3_0.m4s", "/live/alice/master.m3u8")) {
            assertThat(RecordingPath.parse(target)).as(target).isEmpty();
        }
    }

    @Test
    void aSegmentNameCarriesWhatItsPlaylistEntryNeeds() {
        SegmentFile segment = new SegmentFile(42, Instant.parse("2026-12-07T12:00:00.250Z"), 1998, 3);
        assertThat(segment.name()).isEqualTo("42_1796644800250_1998_3.m4s");
        assertThat(SegmentFile.parse(segment.name())).contains(segment);
        assertThat(segment.end()).isEqualTo(Instant.parse("2026-12-07T12:00:02.248Z"));
    }

    @Test
    void recordingIdsSplitAtTheFirstDot() {
        assertThat(RecordingId.parse("news-24.a_B-c")).map(RecordingId::toString).contains("news-24.a_B-c");
        assertThat(RecordingId.parse("news-24.a_B-c").orElseThrow().storePrefix()).isEqualTo("news-24/a_B-c/");
        for (String bad : List.of("", ".", "alice.", ".abc", "alice", "alice.a.b", "ALICE.abc", "a".repeat(33) + ".x")) {
            assertThat(RecordingId.parse(bad)).as(bad).isEmpty();
        }
    }
}
