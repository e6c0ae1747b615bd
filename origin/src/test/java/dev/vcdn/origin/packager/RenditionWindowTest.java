package dev.vcdn.origin.packager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistRules;
import dev.vcdn.shared.hls.PlaylistWriter;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenditionWindowTest {

    private static final Instant T0 = Instant.parse("2026-11-24T05:00:00Z");

    /** Adds segment {@code msn} (packager numbering) of six 1/3 s parts. */
    private static void segment(RenditionWindow window, long msn, Instant start) {
        for (int part = 0; part < 6; part++) {
            window.addPart(window.playlistMsn(msn), part, new byte[] {(byte) part}, 333, part == 0, start, part == 5);
        }
    }

    @Test
    void aReconnectContinuesTheNumberingWithADiscontinuity() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1});
        window.continueAfter(42);
        segment(window, 0, T0);
        segment(window, 1, T0.plusSeconds(2));
        MediaPlaylist playlist = window.playlist(List.of());
        assertThat(playlist.mediaSequence()).isEqualTo(42);
        assertThat(playlist.segments().get(0).discontinuity()).isTrue();
        assertThat(playlist.segments().get(1).discontinuity()).isFalse();
        assertThat(PlaylistWriter.write(playlist)).contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-11-24T05:00:00.000Z");
        assertThat(PlaylistRules.violations(playlist)).isEmpty();
        assertThat(window.nextMsn()).isEqualTo(44);
    }

    @Test
    void waitersAreWokenByTheirPartAndTheWindowStaysBounded() {
        RenditionWindow window = new RenditionWindow(PackagingSettings.DEFAULT, new byte[] {1});
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
}
