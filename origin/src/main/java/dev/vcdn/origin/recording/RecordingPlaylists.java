package dev.vcdn.origin.recording;

import dev.vcdn.shared.hls.AudioRendition;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.MultivariantPlaylist;
import dev.vcdn.shared.hls.PlaylistWriter;
import dev.vcdn.shared.hls.Segment;
import dev.vcdn.shared.hls.Variant;
import dev.vcdn.shared.recording.RecordingPath;
import dev.vcdn.shared.recording.SegmentFile;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A recording's playlists, made from its store listing: pure code. A live recording's media
 * playlist is an EVENT playlist from the broadcast's start (or, with a DVR depth, a window that
 * slides, without a type); an ended one's a VOD playlist with EXT-X-ENDLIST. Breaks in the
 * timeline (a publisher reconnect, a rendition that was down) are discontinuities.
 */
final class RecordingPlaylists {

    static final String AUDIO_GROUP = "audio";

    private RecordingPlaylists() {
    }

    /** The multivariant playlist from the renditions' descriptions; empty without a video rendition. */
    static Optional<MultivariantPlaylist> multivariant(List<JsonObject> renditions) {
        Optional<JsonObject> audio = renditions.stream().filter(r -> "audio".equals(r.getString("kind")))
                .min(Comparator.comparing(r -> r.getString("id")));
        long audioPeak = audio.map(a -> a.getLong("bandwidth", 0L)).orElse(0L);
        long audioAverage = audio.map(a -> a.getLong("averageBandwidth", 0L)).orElse(0L);
        List<Variant> variants = new ArrayList<>();
        for (JsonObject rendition : renditions) {
            if (!"video".equals(rendition.getString("kind"))) {
                continue;
            }
            String codecs = rendition.getString("codecs") + audio.map(a -> "," + a.getString("codecs")).orElse("");
            variants.add(new Variant(rendition.getLong("bandwidth", 0L) + audioPeak,
                    rendition.getLong("averageBandwidth", 0L) + audioAverage, codecs, rendition.getInteger("width", 0),
                    rendition.getInteger("height", 0), rendition.getDouble("fps", 0.0), audio.map(a -> AUDIO_GROUP),
                    rendition.getString("id") + "/" + RecordingPath.MEDIA));
        }
        if (variants.isEmpty()) {
            return Optional.empty();
        }
        variants.sort(Comparator.comparingLong(Variant::bandwidth).reversed());
        List<AudioRendition> audioRenditions = audio.map(a -> List.of(new AudioRendition(AUDIO_GROUP, "Audio", true,
                a.getString("id") + "/" + RecordingPath.MEDIA))).orElse(List.of());
        return Optional.of(new MultivariantPlaylist(7, true, audioRenditions, variants));
    }

    /**
     * A rendition's media playlist from the names in its folder; empty when it has no segment yet.
     *
     * @param ended          the recording is over: VOD
     * @param targetDuration the live playlists' target duration: a live recording's never changes
     * @param dvrDepth       zero: from the start; else how far back a live recording's playlist reaches
     */
    static Optional<String> media(List<String> names, boolean ended, int targetDuration, Duration dvrDepth) {
        // One entry per number: should a segment have been written twice, the longer one.
        List<SegmentFile> segments = List.copyOf(names.stream().map(SegmentFile::parse).flatMap(Optional::stream)
                .collect(Collectors.toMap(SegmentFile::msn, segment -> segment,
                        (a, b) -> a.durationMillis() >= b.durationMillis() ? a : b, TreeMap::new)).values());
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        TreeMap<Long, String> inits = new TreeMap<>();
        names.forEach(name -> {
            OptionalLong first = RecordingPath.initMsn(name);
            if (first.isPresent()) {
                inits.put(first.getAsLong(), name);
            }
        });
        int first = 0;
        if (!ended && !dvrDepth.isZero()) {
            long from = segments.get(segments.size() - 1).end().toEpochMilli() - dvrDepth.toMillis();
            while (first < segments.size() - 1 && segments.get(first).end().toEpochMilli() <= from) {
                first++;
            }
        }
        long discontinuitySequence = 0;
        for (int i = 1; i <= first; i++) {
            if (breakBefore(segments, i)) {
                discontinuitySequence++;
            }
        }
        List<Segment> listed = new ArrayList<>();
        String map = mapOf(inits, segments.get(first));
        long longest = 0;
        for (int i = first; i < segments.size(); i++) {
            SegmentFile segment = segments.get(i);
            boolean discontinuity = i > first && breakBefore(segments, i);
            String segmentMap = mapOf(inits, segment);
            Optional<String> changedMap = segmentMap.equals(map) ? Optional.empty() : Optional.of(segmentMap);
            map = segmentMap;
            listed.add(new Segment(segment.msn(), segment.durationMillis() / 1000.0, segment.name(),
                    i == first || discontinuity ? Optional.of(segment.programDateTime()) : Optional.empty(), discontinuity,
                    List.of(), false, changedMap));
            longest = Math.max(longest, segment.durationMillis());
        }
        int target = (int) Math.max(ended ? 1 : targetDuration, (longest + 999) / 1000);
        MediaPlaylist playlist = new MediaPlaylist(7, target, first, discontinuitySequence, Optional.empty(), Optional.empty(),
                Optional.of(mapOf(inits, segments.get(first))), 0, listed, List.of(), Optional.empty(), List.of(), ended);
        Optional<String> type = ended ? Optional.of("VOD") : dvrDepth.isZero() ? Optional.of("EVENT") : Optional.empty();
        return Optional.of(PlaylistWriter.write(playlist, type));
    }

    /** A publisher reconnect, or segments missing between two (the rendition was down): the timeline breaks. */
    private static boolean breakBefore(List<SegmentFile> segments, int index) {
        SegmentFile before = segments.get(index - 1);
        SegmentFile segment = segments.get(index);
        return segment.discontinuity() != before.discontinuity() || segment.msn() != before.msn() + 1;
    }

    /** The init segment a segment is played with: the newest that starts at or before it. */
    private static String mapOf(TreeMap<Long, String> inits, SegmentFile segment) {
        var entry = inits.floorEntry(segment.msn());
        return entry == null ? "init-" + segment.msn() + ".mp4" : entry.getValue();
    }
}
