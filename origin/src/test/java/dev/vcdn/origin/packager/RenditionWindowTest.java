package dev.vcdn.origin.packager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistParser;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.PlaylistRules;
import dev.vcdn.shared.hls.PlaylistWriter;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class RenditionWindowTest {

    /** A rendition restarting with no other rendition of the broadcast to match its gap segments to. */
    private static final LongFunction<Optional<RenditionWindow.SegmentSpan>> NOWHERE_ELSE = msn -> Optional.empty();

    private static final Instant T0 = Instant.parse("2026-11-24T05:00:00Z");

    /** Adds segment {@code msn} (packager numbering) of six 1/3 s parts. */
    private static void segment(RenditionWindow window, long msn, Instant start) {
        for (int part = 0; part < 6; part++) {
            window.addPart(window.playlistMsn(msn), part, new byte[] {(byte) part}, 333, part == 0, start, part == 5);
        }
    }

    @Test
    void aReconnectContinuesTheNumberingAfterADiscontinuityWithAnInitSegmentOfItsOwn() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1}, 0, 0);
        segment(window, 0, T0);
        segment(window, 1, T0.plusSeconds(2));
        window.restart(new byte[] {2}, window.nextMsn(), NOWHERE_ELSE);
        segment(window, 0, T0.plusSeconds(10)); // the new publish's packager counts from 0 again
        window.addPart(window.playlistMsn(1), 0, new byte[] {0}, 333, true, T0.plusSeconds(12), false);

        MediaPlaylist playlist = window.playlist(List.of());
        assertThat(playlist.segments()).extracting(Segment::msn).containsExactly(0L, 1L, 2L);
        assertThat(playlist.segments()).extracting(Segment::discontinuity).containsExactly(false, false, true);
        assertThat(playlist.mapUri()).contains("init-0.mp4");
        assertThat(playlist.segments().get(2).map()).contains("init-2.mp4");
        String text = PlaylistWriter.write(playlist);
        assertThat(text).contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-2.mp4\"\n"
                + "#EXT-X-PROGRAM-DATE-TIME:2026-11-24T05:00:10.000Z");
        assertThat(PlaylistParser.parseMedia(text)).isEqualTo(playlist);
        assertThat(PlaylistRules.violations(playlist)).isEmpty();
        assertThat(window.initSegment("init-0.mp4")).hasValueSatisfying(b -> assertThat(b.getByte(0)).isEqualTo((byte) 1));
        assertThat(window.initSegment("init-2.mp4")).hasValueSatisfying(b -> assertThat(b.getByte(0)).isEqualTo((byte) 2));
        assertThat(window.nextMsn()).isEqualTo(4);

        // Once the first publish's segments have left the window, so has its init segment and its discontinuity.
        for (long msn = 1; msn < 20; msn++) {
            segment(window, msn, T0.plusSeconds(10 + 2 * msn));
        }
        MediaPlaylist later = window.playlist(List.of());
        assertThat(later.mapUri()).contains("init-2.mp4");
        assertThat(later.discontinuitySequence()).isEqualTo(1);
        assertThat(window.initSegment("init-0.mp4")).isEmpty();
    }

    @Test
    void theOpenSegmentDeclaresItsBreakAndInitSegmentBeforeItsParts() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1}, 0, 0);
        segment(window, 0, T0);
        window.restart(new byte[] {2}, window.nextMsn(), NOWHERE_ELSE);
        window.addPart(window.playlistMsn(0), 0, new byte[] {0}, 333, true, T0.plusSeconds(5), false);
        String text = PlaylistWriter.write(window.playlist(List.of()));
        assertThat(text).endsWith("""
                0.m4s
                #EXT-X-DISCONTINUITY
                #EXT-X-MAP:URI="init-1.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-24T05:00:05.000Z
                #EXT-X-PART:DURATION=0.333,URI="1.0.m4s",INDEPENDENT=YES
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="1.1.m4s"
                """);
        assertThat(PlaylistParser.parseMedia(text)).isEqualTo(window.playlist(List.of()));
    }

    @Test
    void aRestartAtAHigherNumberFillsTheNumbersBetweenWithGapSegments() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1}, 100, 0);
        segment(window, 0, T0);
        window.restart(new byte[] {2}, 103, NOWHERE_ELSE); // the broadcast's other renditions had got to 102
        segment(window, 0, T0.plusSeconds(10));
        MediaPlaylist playlist = window.playlist(List.of());
        assertThat(playlist.segments()).extracting(Segment::msn).containsExactly(100L, 101L, 102L, 103L);
        assertThat(playlist.segments()).extracting(Segment::gap).containsExactly(false, true, true, false);
        assertThat(playlist.segments()).extracting(Segment::discontinuity).containsExactly(false, false, false, true);
        assertThat(playlist.segments().get(3).map()).contains("init-103.mp4");
        assertThat(PlaylistRules.violations(playlist)).isEmpty();
    }

    @Test
    void gapSegmentsOfARestartLastAsLongAsTheOtherRenditionsHaveThoseNumbers() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1}, 100, 0);
        segment(window, 0, T0);
        // The video's last segment before its publisher left held one frame; this audio had ended before it.
        Instant videoLast = T0.plusSeconds(2);
        window.restart(new byte[] {2}, 102, msn -> msn == 101
                ? Optional.of(new RenditionWindow.SegmentSpan(videoLast, 33)) : Optional.empty());
        segment(window, 0, T0.plusSeconds(6));
        MediaPlaylist playlist = window.playlist(List.of());
        assertThat(playlist.segments()).extracting(Segment::msn).containsExactly(100L, 101L, 102L);
        Segment gap = playlist.segments().get(1);
        assertThat(gap.gap()).isTrue();
        assertThat(gap.duration()).as("as long as the video's").isEqualTo(0.033);
        assertThat(gap.programDateTime()).contains(videoLast);
        assertThat(PlaylistRules.violations(playlist)).isEmpty();
    }

    @Test
    void anInitSegmentReplacedBeforeAnyPartUsedItIsNeverToldAndKeepsItsName() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1}, 0, 0);
        segment(window, 0, T0);
        assertThat(window.announceInit()).as("told with its first part").isTrue();
        assertThat(window.announceInit()).as("once").isFalse();
        window.restart(new byte[] {2}, window.nextMsn(), NOWHERE_ELSE);
        assertThat(window.announceInit()).as("no part uses it yet").isFalse();
        window.restart(new byte[] {3}, window.nextMsn(), NOWHERE_ELSE); // the publisher flapped
        window.addPart(window.playlistMsn(0), 0, new byte[] {0}, 333, true, T0.plusSeconds(9), false);
        assertThat(window.announceInit()).isTrue();
        assertThat(window.initSegment("init-1.mp4")).hasValueSatisfying(b -> assertThat(b.getByte(0)).isEqualTo((byte) 3));
    }

    @Test
    void waitersAreWokenByTheirPartAndTheWindowStaysBounded() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1}, 0, 0);
        Future<Void> nextPart = window.await(0, 2);
        Future<Void> wholeSegment = window.await(0, RenditionWindow.WHOLE_SEGMENT);
        window.addPart(0, 0, new byte[] {0}, 333, true, T0, false);
        window.addPart(0, 1, new byte[] {1}, 333, false, T0, false);
        assertThat(nextPart.isComplete()).isFalse();
        assertThat(window.playlist(List.of()).preloadHint()).contains("0.2.m4s");
        window.addPart(0, 2, new byte[] {2}, 333, false, T0, true);
        assertThat(nextPart.succeeded()).isTrue();
        assertThat(wholeSegment.succeeded()).as("the last part completes its segment in the same step").isTrue();
        assertThat(window.playlist(List.of()).preloadHint()).as("never a part after the last").contains("1.0.m4s");

        for (long msn = 1; msn < 40; msn++) {
            segment(window, msn, T0.plusSeconds(2 * msn));
        }
        assertThat(window.firstMsn()).as("30 s of 2 s segments").hasValue(24L);
        assertThat(window.await(50, 0).isComplete()).isFalse();
        window.end();
        assertThat(window.playlist(List.of()).endList()).isTrue();
    }

    @Test
    void everySegmentWithMediaIsToldToItsRecordingOnceWhenCompleteGapsNever() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1}, 0, 0);
        List<Recording.CompletedSegment> told = new java.util.ArrayList<>();
        window.completedTo(told::add);
        segment(window, 0, T0);
        window.addPart(window.playlistMsn(1), 0, new byte[] {7}, 333, true, T0.plusSeconds(2), false);
        assertThat(told).hasSize(1);
        window.closeOpenSegment(); // the publisher left mid-segment: what it sent of segment 1 is all there is
        // A producer that outlived its publish delivers the rest of segment 1: it was told already, it is not told again.
        window.addPart(window.playlistMsn(1), 1, new byte[] {8}, 333, false, T0.plusSeconds(2), true);
        window.restart(new byte[] {2}, 3, NOWHERE_ELSE); // segment 2 is a gap segment, 3 goes on after a break
        segment(window, 0, T0.plusSeconds(10));
        window.addPart(window.playlistMsn(1), 0, new byte[] {9}, 333, true, T0.plusSeconds(12), false);
        window.end();
        window.end();

        assertThat(told).extracting(Recording.CompletedSegment::msn).containsExactly(0L, 1L, 3L, 4L);
        assertThat(told).extracting(Recording.CompletedSegment::discontinuity).containsExactly(0L, 0L, 1L, 1L);
        assertThat(told).extracting(Recording.CompletedSegment::map).containsExactly("init-0.mp4", "init-0.mp4", "init-3.mp4",
                "init-3.mp4");
        assertThat(told.get(0).bytes().getBytes()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(told.get(0).bytes()).isEqualTo(window.segment(0).orElseThrow().bytes());
        assertThat(told.get(1).bytes().getBytes()).containsExactly(7);
        assertThat(told.get(2).init().getBytes()).containsExactly(2);
        assertThat(told.get(0).durationMillis()).isEqualTo(6 * 333);
        assertThat(told.get(2).programDateTime()).isEqualTo(T0.plusSeconds(10));
    }
}
