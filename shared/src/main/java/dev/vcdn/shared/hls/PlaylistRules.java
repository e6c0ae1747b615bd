package dev.vcdn.shared.hls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The MUSTs of RFC 8216bis (and Apple's low-latency rules) a media playlist can be checked
 * against on its own, plus the house rule that every segment starts with an independent part.
 * Tests run every playlist the packager writes through this.
 */
public final class PlaylistRules {

    /** Slack for durations written with five decimals. */
    private static final double EPSILON = 0.001;

    private PlaylistRules() {
    }

    /** Empty when the playlist keeps every rule; otherwise one line per broken rule. */
    public static List<String> violations(MediaPlaylist playlist) {
        List<String> problems = new ArrayList<>();
        int target = playlist.targetDuration();
        List<Part> allParts = new ArrayList<>(playlist.pendingParts());
        playlist.segments().forEach(segment -> allParts.addAll(segment.parts()));

        long expectedMsn = playlist.mediaSequence() + playlist.skippedSegments();
        Optional<Instant> previousDate = Optional.empty();
        for (Segment segment : playlist.segments()) {
            if (Math.round(segment.duration()) > target) {
                problems.add("segment " + segment.msn() + " lasts " + segment.duration() + " s, rounded above TARGETDURATION " + target);
            }
            if (segment.msn() != expectedMsn) {
                problems.add("segment " + segment.msn() + " where " + expectedMsn + " was due");
            }
            expectedMsn = segment.msn() + 1;
            if (!segment.gap() && !segment.parts().isEmpty() && !segment.parts().get(0).independent()) {
                problems.add("segment " + segment.msn() + " does not start with an independent part");
            }
            if (segment.programDateTime().isPresent()) {
                if (previousDate.isPresent() && !segment.programDateTime().get().isAfter(previousDate.get())) {
                    problems.add("PROGRAM-DATE-TIME of segment " + segment.msn() + " does not move forward");
                }
                previousDate = segment.programDateTime();
            }
            checkUri(segment.uri(), problems);
        }

        if (!allParts.isEmpty() || playlist.preloadHint().isPresent()) {
            if (playlist.partTarget().isEmpty()) {
                problems.add("parts without #EXT-X-PART-INF");
            } else {
                double partTarget = playlist.partTarget().get();
                for (Part part : allParts) {
                    if (part.duration() > partTarget + EPSILON) {
                        problems.add("part " + part.uri() + " lasts " + part.duration() + " s, above PART-TARGET " + partTarget);
                    }
                    checkUri(part.uri(), problems);
                }
                Optional<Double> partHoldBack = playlist.serverControl().flatMap(ServerControl::partHoldBack);
                if (partHoldBack.isEmpty() || partHoldBack.get() < 2 * partTarget - EPSILON) {
                    problems.add("PART-HOLD-BACK must be at least twice PART-TARGET " + partTarget);
                }
            }
        }
        playlist.serverControl().ifPresent(control -> {
            control.canSkipUntil().filter(until -> until < 6 * target).ifPresent(until ->
                    problems.add("CAN-SKIP-UNTIL " + until + " is below six target durations"));
            control.holdBack().filter(back -> back < 3 * target).ifPresent(back ->
                    problems.add("HOLD-BACK " + back + " is below three target durations"));
        });
        if (playlist.skippedSegments() > 0 && playlist.serverControl().flatMap(ServerControl::canSkipUntil).isEmpty()) {
            problems.add("#EXT-X-SKIP without CAN-SKIP-UNTIL");
        }
        if (playlist.preloadHint().isPresent()) {
            checkUri(playlist.preloadHint().get(), problems);
        }
        playlist.mapUri().ifPresent(uri -> checkUri(uri, problems));
        return problems;
    }

    /** Relative, no whitespace, no way up: every URI must resolve below the playlist. */
    private static void checkUri(String uri, List<String> problems) {
        if (uri.isBlank() || uri.chars().anyMatch(Character::isWhitespace) || uri.startsWith("/") || uri.contains("..")
                || uri.contains("://")) {
            problems.add("URI '" + uri + "' does not resolve below the playlist");
        }
    }
}
