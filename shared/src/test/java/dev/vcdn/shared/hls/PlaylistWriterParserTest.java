package dev.vcdn.shared.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlaylistWriterParserTest {

    private static final Instant START = Instant.parse("2026-11-24T05:00:00Z");

    /** A live LL-HLS playlist as the origin means to write it: 2 s segments, 0.33334 s parts. */
    static MediaPlaylist live(int segmentCount) {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < segmentCount; i++) {
            long msn = 100 + i;
            List<Part> parts = new ArrayList<>();
            if (i >= segmentCount - 2) {
                for (int p = 0; p < 6; p++) {
                    parts.add(new Part(0.33334, msn + "." + p + ".m4s", p == 0));
                }
            }
            segments.add(new Segment(msn, 2.0, msn + ".m4s", Optional.of(START.plusSeconds(2L * i)), false, parts));
        }
        long next = 100 + segmentCount;
        return new MediaPlaylist(9, 2, 100, 0, Optional.of(0.33334),
                Optional.of(new ServerControl(true, Optional.of(12.0), false, Optional.empty(), Optional.of(1.0))),
                Optional.of("init.mp4"), 0, segments,
                List.of(new Part(0.33334, next + ".0.m4s", true), new Part(0.33334, next + ".1.m4s", false)),
                Optional.of(next + ".2.m4s"),
                List.of(new RenditionReport("../480p/index.m3u8", next, 1)), false);
    }

    @Test
    void writesTheGoldenLowLatencyPlaylist() {
        assertThat(PlaylistWriter.write(live(3))).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:9
                #EXT-X-TARGETDURATION:2
                #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12,PART-HOLD-BACK=1
                #EXT-X-PART-INF:PART-TARGET=0.33334
                #EXT-X-MEDIA-SEQUENCE:100
                #EXT-X-MAP:URI="init.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-24T05:00:00.000Z
                #EXTINF:2,
                100.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-11-24T05:00:02.000Z
                #EXT-X-PART:DURATION=0.33334,URI="101.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.33334,URI="101.1.m4s"
                #EXT-X-PART:DURATION=0.33334,URI="101.2.m4s"
                #EXT-X-PART:DURATION=0.33334,URI="101.3.m4s"
                #EXT-X-PART:DURATION=0.33334,URI="101.4.m4s"
                #EXT-X-PART:DURATION=0.33334,URI="101.5.m4s"
                #EXTINF:2,
                101.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-11-24T05:00:04.000Z
                #EXT-X-PART:DURATION=0.33334,URI="102.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.33334,URI="102.1.m4s"
                #EXT-X-PART:DURATION=0.33334,URI="102.2.m4s"
                #EXT-X-PART:DURATION=0.33334,URI="102.3.m4s"
                #EXT-X-PART:DURATION=0.33334,URI="102.4.m4s"
                #EXT-X-PART:DURATION=0.33334,URI="102.5.m4s"
                #EXTINF:2,
                102.m4s
                #EXT-X-PART:DURATION=0.33334,URI="103.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.33334,URI="103.1.m4s"
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="103.2.m4s"
                #EXT-X-RENDITION-REPORT:URI="../480p/index.m3u8",LAST-MSN=103,LAST-PART=1
                """);
    }

    @Test
    void whatTheWriterWritesTheParserReadsBack() {
        MediaPlaylist playlist = live(8);
        assertThat(PlaylistParser.parseMedia(PlaylistWriter.write(playlist))).isEqualTo(playlist);
        MediaPlaylist ended = new MediaPlaylist(6, 2, 5, 0, Optional.empty(), Optional.empty(), Optional.of("init.mp4"), 0,
                List.of(new Segment(5, 1.96, "5.m4s", Optional.empty(), false, List.of()),
                        new Segment(6, 2.04, "6.m4s", Optional.empty(), true, List.of())),
                List.of(), Optional.empty(), List.of(), true);
        assertThat(PlaylistParser.parseMedia(PlaylistWriter.write(ended))).isEqualTo(ended);
    }

    @Test
    void gapsAndTheDiscontinuitySequenceAreWrittenAndReadBack() {
        List<Part> gapParts = List.of(new Part(0.33334, "7.0.m4s", false, true), new Part(0.2, "7.1.m4s", false, true));
        MediaPlaylist withGap = new MediaPlaylist(9, 2, 6, 3, Optional.of(0.33334),
                Optional.of(new ServerControl(true, Optional.of(12.0), false, Optional.empty(), Optional.of(1.0))),
                Optional.of("init.mp4"), 0,
                List.of(new Segment(6, 2.0, "6.m4s", Optional.of(START), false,
                                List.of(new Part(0.33334, "6.0.m4s", true), new Part(0.2, "6.1.m4s", false, true))),
                        new Segment(7, 0.53334, "7.m4s", Optional.of(START.plusSeconds(2)), false, gapParts, true)),
                List.of(), Optional.empty(), List.of(), false);
        String text = PlaylistWriter.write(withGap);
        assertThat(text).contains("#EXT-X-DISCONTINUITY-SEQUENCE:3\n", "URI=\"6.1.m4s\",GAP=YES\n",
                "URI=\"7.1.m4s\",GAP=YES\n#EXT-X-GAP\n#EXTINF:0.53334,\n7.m4s\n");
        assertThat(PlaylistParser.parseMedia(text)).isEqualTo(withGap);
        assertThat(PlaylistRules.violations(withGap)).isEmpty();
    }

    @Test
    void aDeltaUpdateDeclaresTheInitSegmentInEffectWhenTheSkippedSegmentsChangedIt() {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long msn = 100 + i;
            Optional<String> map = i == 2 ? Optional.of("init-102.mp4") : Optional.empty();
            segments.add(new Segment(msn, 2.0, msn + ".m4s", Optional.of(START.plusSeconds(2L * i)), i == 2, List.of(), false, map));
        }
        MediaPlaylist full = new MediaPlaylist(9, 2, 100, 0, Optional.of(0.33334),
                Optional.of(new ServerControl(true, Optional.of(12.0), false, Optional.empty(), Optional.of(1.0))),
                Optional.of("init-100.mp4"), 0, segments, List.of(), Optional.empty(), List.of(), false);
        MediaPlaylist delta = full.skipOlderThan(12.0);
        assertThat(delta.skippedSegments()).isEqualTo(4);
        assertThat(delta.mapUri()).as("the init segment of the first segment listed").contains("init-102.mp4");
        String text = PlaylistWriter.write(delta);
        assertThat(text).contains("#EXT-X-MAP:URI=\"init-102.mp4\"\n#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n")
                .doesNotContain("init-100.mp4");
        assertThat(PlaylistParser.parseMedia(text)).isEqualTo(delta);
    }

    @Test
    void aDeltaUpdateSkipsOldSegmentsAndKeepsNumbering() {
        MediaPlaylist full = live(10);
        MediaPlaylist delta = full.skipOlderThan(12.0);
        assertThat(delta.skippedSegments()).isEqualTo(4);
        assertThat(delta.segments().get(0).msn()).isEqualTo(104);
        String text = PlaylistWriter.write(delta);
        assertThat(text).contains("#EXT-X-MEDIA-SEQUENCE:100\n", "#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n")
                .doesNotContain("\n100.m4s\n", "\n103.m4s\n").contains("\n104.m4s\n");
        MediaPlaylist parsed = PlaylistParser.parseMedia(text);
        assertThat(parsed).isEqualTo(delta);
        assertThat(parsed.nextMsn()).isEqualTo(full.nextMsn());
    }

    @Test
    void readsAnAppleStyleLowLatencyPlaylist() {
        MediaPlaylist playlist = PlaylistParser.parseMedia("""
                #EXTM3U
                # A comment, and tags we do not know, are ignored.
                #EXT-X-TARGETDURATION:4
                #EXT-X-VERSION:6
                #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=12.0
                #EXT-X-PART-INF:PART-TARGET=0.33334
                #EXT-X-MEDIA-SEQUENCE:266
                #EXT-X-PROGRAM-DATE-TIME:2019-02-14T02:13:36.106Z
                #EXT-X-MAP:URI="init.mp4"
                #EXT-X-DATERANGE:ID="ad",START-DATE="2019-02-14T02:13:36.106Z"
                #EXTINF:4.00008,
                fileSequence266.mp4
                #EXT-X-PART:DURATION=0.33334,URI="filePart267.0.mp4",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.33334,URI="filePart267.1.mp4"
                #EXTINF:4.00008,
                fileSequence267.mp4
                #EXT-X-PART:DURATION=0.33334,URI="filePart268.0.mp4",INDEPENDENT=YES
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="filePart268.1.mp4"
                #EXT-X-RENDITION-REPORT:URI="../1M/waitForMSN.php",LAST-MSN=267,LAST-PART=0
                """);
        assertThat(playlist.segments()).extracting(Segment::msn).containsExactly(266L, 267L);
        assertThat(playlist.segments().get(0).programDateTime()).contains(Instant.parse("2019-02-14T02:13:36.106Z"));
        assertThat(playlist.segments().get(1).parts()).hasSize(2);
        assertThat(playlist.pendingParts()).singleElement().extracting(Part::uri).isEqualTo("filePart268.0.mp4");
        assertThat(playlist.preloadHint()).contains("filePart268.1.mp4");
        assertThat(playlist.renditionReports()).containsExactly(new RenditionReport("../1M/waitForMSN.php", 267, 0));
        assertThat(playlist.nextMsn()).isEqualTo(268);
    }

    @Test
    void readsTheDateFormatsPackagersWrite() {
        String playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PROGRAM-DATE-TIME:%s\n#EXTINF:2,\n0.m4s\n";
        for (String date : List.of("2026-11-24T05:55:01.234Z", "2026-11-24T05:55:01.234+0000", "2026-11-24T06:55:01.234+01:00")) {
            assertThat(PlaylistParser.parseMedia(String.format(playlist, date)).segments().get(0).programDateTime())
                    .as(date).contains(Instant.parse("2026-11-24T05:55:01.234Z"));
        }
    }

    @Test
    void multivariantRoundTrip() {
        MultivariantPlaylist master = new MultivariantPlaylist(7, true,
                List.of(new AudioRendition("audio", "Audio", true, "audio/index.m3u8")),
                List.of(new Variant(3_300_000, 2_700_000, "avc1.64001f,mp4a.40.2", 1280, 720, 30, Optional.of("audio"),
                                "source/index.m3u8"),
                        new Variant(1_100_000, 900_000, "av01.0.04M.08,mp4a.40.2", 854, 480, 29.97, Optional.of("audio"),
                                "480p-av1/index.m3u8")));
        String text = PlaylistWriter.write(master);
        assertThat(text).contains("#EXT-X-STREAM-INF:BANDWIDTH=3300000,AVERAGE-BANDWIDTH=2700000,"
                + "CODECS=\"avc1.64001f,mp4a.40.2\",RESOLUTION=1280x720,FRAME-RATE=30.000,AUDIO=\"audio\"\nsource/index.m3u8\n");
        assertThat(PlaylistParser.parseMultivariant(text)).isEqualTo(master);
    }

    @Test
    void anAudioOnlyVariantHasNeitherResolutionNorFrameRate() {
        MultivariantPlaylist radio = new MultivariantPlaylist(7, true, List.of(),
                List.of(new Variant(140_000, 100_000, "mp4a.40.2", 0, 0, 0, Optional.empty(), "audio/index.m3u8")));
        String text = PlaylistWriter.write(radio);
        assertThat(text).contains("#EXT-X-STREAM-INF:BANDWIDTH=140000,AVERAGE-BANDWIDTH=100000,CODECS=\"mp4a.40.2\"\n"
                + "audio/index.m3u8\n");
        assertThat(PlaylistParser.parseMultivariant(text)).isEqualTo(radio);
    }

    @Test
    void integersTheModelCannotHoldAreRefusedNotWrapped() {
        // Found by the fuzzer: a version of 3333333333 was kept as -961633963, then written and refused.
        assertThatThrownBy(() -> PlaylistParser.parseMultivariant("#EXTM3U\n#EXT-X-VERSION:3333333333\n"))
                .isInstanceOf(PlaylistParseException.class).hasMessage("line 2: integer 3333333333 too large");
        assertThatThrownBy(() -> PlaylistParser.parseMedia("#EXTM3U\n#EXT-X-TARGETDURATION:4294967298\n"))
                .isInstanceOf(PlaylistParseException.class).hasMessage("line 2: integer 4294967298 too large");
    }

    @Test
    void malformedPlaylistsAreRefusedWithTheLine() {
        assertThatThrownBy(() -> PlaylistParser.parseMedia("#EXT-X-TARGETDURATION:2\n"))
                .isInstanceOf(PlaylistParseException.class).hasMessage("line 1: a playlist starts with #EXTM3U");
        assertThatThrownBy(() -> PlaylistParser.parseMedia("#EXTM3U\n#EXT-X-TARGETDURATION:2\n1.m4s\n"))
                .hasMessage("line 3: segment URI without #EXTINF");
        assertThatThrownBy(() -> PlaylistParser.parseMedia("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PART:DURATION=0.3,URI=\"x\n"))
                .hasMessage("line 3: unterminated quoted string for URI");
        assertThatThrownBy(() -> PlaylistParser.parseMedia("#EXTM3U\n#EXT-X-TARGETDURATION:-2\n"))
                .hasMessage("line 2: negative integer -2");
        assertThatThrownBy(() -> PlaylistParser.parseMedia("#EXTM3U\n#EXTINF:1e3,\n"))
                .hasMessage("line 2: '1e3' is not a decimal number");
        assertThatThrownBy(() -> PlaylistParser.parseMedia("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:1\n"))
                .hasMessage("no #EXT-X-TARGETDURATION");
        assertThatThrownBy(() -> PlaylistParser.parseMedia("#EXTM3U\n" + "#X\n".repeat(PlaylistParser.MAX_LINES)))
                .hasMessageContaining("longer than");
    }
}
