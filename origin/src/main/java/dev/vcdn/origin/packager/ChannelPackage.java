package dev.vcdn.origin.packager;

import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.hls.AudioRendition;
import dev.vcdn.shared.hls.MediaPlaylist;
import dev.vcdn.shared.hls.PlaylistWriter;
import dev.vcdn.shared.hls.MultivariantPlaylist;
import dev.vcdn.shared.hls.RenditionReport;
import dev.vcdn.shared.hls.Variant;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The LL-HLS of one broadcast of a channel: its renditions' windows and the multivariant
 * playlist. A broadcast is one publish, or several that follow each other within the reconnect
 * grace (an encoder that reconnects after a network blip): each new publish is a new
 * generation whose renditions go on in the same windows after a discontinuity. Event-loop owned.
 */
public final class ChannelPackage {

    static final String AUDIO_GROUP = "audio";

    public record Rendition(RenditionInfo info, RenditionWindow window) {
    }

    private final ChannelName channel;
    private final StreamId streamId;
    private final PackagingSettings settings;
    private final Map<RenditionId, Rendition> renditions = new LinkedHashMap<>();
    /** Renditions whose producer failed: left out of the multivariant playlist and the rendition reports. */
    private final Set<RenditionId> down = new HashSet<>();
    /** Renditions the current publish has declared: the others are left out of the multivariant playlist. */
    private final Set<RenditionId> current = new HashSet<>();
    /** Those of the publish before, listed until the current one has declared a video rendition of its own. */
    private final Set<RenditionId> previous = new HashSet<>();
    private boolean ended;
    /** The current publish has sound and no picture: its audio is offered as the one variant. */
    private boolean noPicture;
    /** Its publisher has left; it waits for one to come back. */
    private boolean waiting;
    /** Counts the publishes of this broadcast; a producer of an older one no longer changes anything. */
    private int generation;
    /** Where the current publish's renditions start numbering their segments. */
    private long publishStartMsn;
    /** The discontinuity sequence number of the first publish's segments. */
    private final long firstDiscontinuity;
    /**
     * Gap segments before the first publish's media: the numbers that the origin this broadcast
     * comes from may have begun (and players may hold part of) when it died.
     */
    private final int leadingGaps;
    /** Where its complete segments go: nowhere, unless its channel records. */
    private Recording recording = Recording.NONE;

    /**
     * @param streamId        the broadcast's id: the stream id of its first publish, kept by the ones that follow
     * @param firstMsn        the number of its first segment (above every number an earlier broadcast of the channel used)
     * @param discontinuities the discontinuity sequence number of its first publish's segments: 0 for a new
     *                        broadcast, one more than the last publish's when it goes on from another origin
     * @param leadingGaps     gap segments listed before {@code firstMsn} (going on from another origin), in
     *                        the discontinuity sequence of the publish before
     */
    ChannelPackage(ChannelName channel, StreamId streamId, PackagingSettings settings, long firstMsn, long discontinuities,
                   int leadingGaps) {
        this.channel = channel;
        this.streamId = streamId;
        this.settings = settings;
        this.publishStartMsn = firstMsn;
        this.firstDiscontinuity = discontinuities;
        this.leadingGaps = leadingGaps;
    }

    public PackagingSettings settings() {
        return settings;
    }

    OriginEvent.StreamStarted started() {
        return new OriginEvent.StreamStarted(channel, streamId, settings.targetDurationSeconds(), settings.partTargetSeconds());
    }

    OriginEvent.Init init(Rendition rendition) {
        RenditionInfo info = rendition.info();
        return new OriginEvent.Init(channel, streamId, info.id(), info.kind().name().toLowerCase(Locale.ROOT),
                info.codecString(), info.width(), info.height(), info.fps(), info.bitrateKbps() * 1000L,
                info.maxBitrateKbps() * 1000L, OptionalLong.of(rendition.window().currentMapFirstMsn()),
                rendition.window().initSegment().getBytes());
    }

    /**
     * What a subscriber arriving now needs before the next part: the stream, every rendition's
     * init segment (once a part uses it: until then it may still be replaced) and playlist.
     */
    List<OriginEvent> snapshot() {
        List<OriginEvent> events = new ArrayList<>();
        events.add(started());
        renditions.values().stream().filter(r -> r.window().initAnnounced()).forEach(rendition -> events.add(init(rendition)));
        renditions.values().forEach(rendition -> events.add(playlistUpdate(rendition)));
        return events;
    }

    public ChannelName channel() {
        return channel;
    }

    public StreamId streamId() {
        return streamId;
    }

    int generation() {
        return generation;
    }

    /**
     * A new publish of this broadcast begins: its producers, not the last one's, fill the windows
     * from now on. Every rendition's open segment closes; they all go on (or start) at one
     * segment number, the first after the newest segment of any of them.
     */
    void newPublish() {
        generation++;
        waiting = false;
        previous.clear();
        previous.addAll(current);
        current.clear();
        down.clear();
        noPicture = false;
        renditions.values().forEach(r -> r.window().closeOpenSegment());
        publishStartMsn = renditions.values().stream().mapToLong(r -> r.window().nextMsn()).max().orElse(publishStartMsn);
    }

    /** The number above every segment this broadcast has made: where a broadcast after it starts. */
    long nextMsn() {
        return renditions.values().stream().mapToLong(r -> r.window().nextMsn()).max().orElse(publishStartMsn);
    }

    /**
     * Where another origin may go on with this broadcast: one above {@link #nextMsn}, so that the
     * number is safe while the segment after the newest is being begun and told to players before
     * this is recorded.
     */
    long reservedMsn() {
        return nextMsn() + 1;
    }

    /**
     * Whether a rendition is offered to players: one of the current publish, or of the one before
     * until the current has video (or is known to have none).
     */
    private boolean listed(RenditionId id) {
        boolean currentHasVideo = current.stream().map(renditions::get)
                .anyMatch(r -> r != null && r.info().kind() == MediaKind.VIDEO);
        boolean currentComplete = currentHasVideo || noPicture;
        return (currentComplete ? current : previous.isEmpty() ? current : previous).contains(id) && !down.contains(id);
    }

    /** The publisher has gone: nothing is hinted while the broadcast waits for it to come back. */
    void publisherGone() {
        waiting = true;
        renditions.values().forEach(r -> r.window().closeOpenSegment());
    }

    boolean waiting() {
        return waiting;
    }

    /**
     * The discontinuity sequence number of the current publish's segments (of the next segment
     * made), as its windows number them: a join with no media since the one before is one
     * discontinuity, not two.
     */
    long discontinuities() {
        return renditions.values().stream().mapToLong(r -> r.window().nextDiscontinuity()).max().orElse(firstDiscontinuity);
    }

    /**
     * Adds a rendition of the current publish, or (after a reconnect) goes on with the one of the
     * same name in its window, from a new init segment (told to the subscribers with its first part).
     */
    RenditionWindow add(RenditionInfo info, byte[] initSegment) {
        Rendition before = renditions.get(info.id());
        RenditionWindow window;
        if (before == null && leadingGaps > 0 && generation == 0) {
            // Numbered on from where the origin before stopped, its last segments gaps: players holding
            // part of them find the timeline go on without a hole, and no URL it served names new media.
            window = RenditionWindow.continuing(settings, initSegment, publishStartMsn, leadingGaps, firstDiscontinuity - 1);
        } else if (before == null) {
            window = new RenditionWindow(settings, initSegment, publishStartMsn, discontinuities());
        } else {
            window = before.window();
            window.restart(initSegment, publishStartMsn, msn -> spanElsewhere(info.id(), msn));
        }
        renditions.put(info.id(), new Rendition(info, window));
        current.add(info.id());
        if (recording != Recording.NONE) {
            window.completedTo(segment -> recording.segment(info, segment));
        }
        return window;
    }

    /** Its segments are recorded from now on, each rendition's as it completes them. */
    void recordInto(Recording into) {
        recording = into;
        renditions.values().forEach(r -> r.window().completedTo(segment -> into.segment(r.info(), segment)));
    }

    Recording recording() {
        return recording;
    }

    /** Segment {@code msn} as the broadcast's other renditions have it: the longest, media before gaps. */
    private Optional<RenditionWindow.SegmentSpan> spanElsewhere(RenditionId self, long msn) {
        return renditions.entrySet().stream().filter(entry -> !entry.getKey().equals(self))
                .flatMap(entry -> entry.getValue().window().completeSpan(msn).stream())
                .max(Comparator.comparingLong(RenditionWindow.SegmentSpan::durationMillis));
    }

    /** The subscribers' event for the rendition's current init segment. */
    Optional<OriginEvent.Init> initOf(RenditionId id) {
        return rendition(id).map(this::init);
    }

    /** The current publish has no picture: its audio is the one variant. */
    void noPicture() {
        noPicture = true;
    }

    /** The rendition's producer failed: players are moved off it, its playlist hints nothing. */
    void down(RenditionId id) {
        down.add(id);
        rendition(id).ifPresent(r -> r.window().down(true));
    }

    void up(RenditionId id) {
        down.remove(id);
        rendition(id).ifPresent(r -> r.window().down(false));
    }

    public Optional<Rendition> rendition(RenditionId id) {
        return Optional.ofNullable(renditions.get(id));
    }

    void end() {
        ended = true;
        renditions.values().forEach(r -> r.window().end());
    }

    /**
     * Another origin continues the broadcast: nothing changes it here any more, but it does not
     * end (no EXT-X-ENDLIST); what waits on its windows times out.
     */
    void leave() {
        ended = true;
    }

    Collection<Rendition> renditions() {
        return renditions.values();
    }

    public boolean ended() {
        return ended;
    }

    /** A rendition's media playlist as served now: whole, or as the delta update of {@code _HLS_skip}. */
    public String playlist(Rendition rendition, boolean delta) {
        MediaPlaylist playlist = rendition.window().playlist(reportsFor(rendition.info().id()));
        if (delta) {
            playlist = playlist.skipOlderThan(6.0 * settings.targetDurationSeconds());
        }
        return PlaylistWriter.write(playlist);
    }

    /** The rendition's playlist as it is now, for the edges: they answer blocking reloads with it. */
    OriginEvent.PlaylistUpdate playlistUpdate(Rendition rendition) {
        RenditionWindow window = rendition.window();
        long[] edge = window.lastPart().orElse(new long[] {-1, 0});
        boolean segmentComplete = window.segment(edge[0]).map(s -> s.complete).orElse(false);
        return new OriginEvent.PlaylistUpdate(channel, streamId, rendition.info().id(), edge[0], (int) edge[1],
                segmentComplete, window.ended(), playlist(rendition, false), playlist(rendition, true));
    }

    /** Where every other rendition's live edge is, for EXT-X-RENDITION-REPORT. */
    List<RenditionReport> reportsFor(RenditionId self) {
        List<RenditionReport> reports = new ArrayList<>();
        renditions.forEach((id, rendition) -> {
            if (!id.equals(self) && listed(id)) {
                rendition.window().lastPart().ifPresent(edge ->
                        reports.add(new RenditionReport("../" + id + "/index.m3u8", edge[0], (int) edge[1])));
            }
        });
        return reports;
    }

    /**
     * Empty until at least one video rendition has published its first part (or, for a stream
     * with no picture, the audio rendition).
     */
    public Optional<MultivariantPlaylist> multivariant() {
        Optional<Rendition> audio = renditions.values().stream()
                .filter(r -> r.info().kind() == MediaKind.AUDIO && r.window().lastPart().isPresent())
                .filter(r -> listed(r.info().id())).findFirst();
        long audioBitrate = audio.flatMap(a -> a.window().averageBitrate()).orElse(128_000L);
        List<Variant> variants = new ArrayList<>();
        for (Rendition rendition : renditions.values()) {
            RenditionInfo info = rendition.info();
            if (info.kind() != MediaKind.VIDEO || rendition.window().lastPart().isEmpty() || !listed(info.id())) {
                continue;
            }
            long average = info.bitrateKbps() > 0 ? info.bitrateKbps() * 1000L
                    : rendition.window().averageBitrate().orElse(6_000_000L);
            long peak = info.maxBitrateKbps() > 0 ? info.maxBitrateKbps() * 1000L
                    : rendition.window().peakBitrate().map(p -> p * 11 / 10).orElse(average * 3 / 2);
            String codecs = info.codecString() + audio.map(a -> "," + a.info().codecString()).orElse("");
            variants.add(new Variant(peak + audioBitrate, average + audioBitrate, codecs, info.width(), info.height(),
                    info.fps(), audio.map(a -> AUDIO_GROUP), info.id() + "/index.m3u8"));
        }
        if (variants.isEmpty() && audio.isPresent() && noPicture) {
            // Sound without a picture: the audio rendition is the one variant, in no group.
            RenditionInfo info = audio.get().info();
            long peak = audio.get().window().peakBitrate().map(p -> p * 11 / 10).orElse(audioBitrate * 3 / 2);
            return Optional.of(new MultivariantPlaylist(7, true, List.of(), List.of(new Variant(Math.max(peak, audioBitrate),
                    audioBitrate, info.codecString(), 0, 0, 0, Optional.empty(), info.id() + "/index.m3u8"))));
        }
        if (variants.isEmpty()) {
            return Optional.empty();
        }
        variants.sort((a, b) -> Long.compare(b.bandwidth(), a.bandwidth()));
        List<AudioRendition> audioRenditions = audio
                .map(a -> List.of(new AudioRendition(AUDIO_GROUP, "Audio", true, a.info().id() + "/index.m3u8")))
                .orElse(List.of());
        return Optional.of(new MultivariantPlaylist(7, true, audioRenditions, variants));
    }
}
