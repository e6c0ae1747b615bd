package dev.vcdn.shared.recording;

import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A request for a recording in canonical form: {@code /recordings/{id}/master.m3u8},
 * {@code .../thumb.jpg}, {@code .../{rendition}/index.m3u8}, {@code .../{rendition}/init-{msn}.mp4}
 * and {@code .../{rendition}/{segment file}}. Nothing else (no query, no other file) gets past
 * {@link #parse}, so only these reach a cache or an origin.
 *
 * @param recording the recording
 * @param rendition the rendition, for media playlists, init segments and segments
 * @param object    what is asked for
 * @param file      the init segment's or segment's file name, as stored
 */
public record RecordingPath(RecordingId recording, Optional<RenditionId> rendition, Kind object, Optional<String> file) {

    public enum Kind {
        MULTIVARIANT_PLAYLIST,
        MEDIA_PLAYLIST,
        INIT,
        SEGMENT,
        THUMBNAIL
    }

    public static final String PREFIX = "/recordings/";
    public static final String MASTER = "master.m3u8";
    public static final String MEDIA = "index.m3u8";
    public static final String THUMBNAIL = "thumb.jpg";
    private static final int MAX_TARGET_LENGTH = 256;

    public RecordingPath {
        Objects.requireNonNull(recording, "recording");
        Objects.requireNonNull(rendition, "rendition");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(file, "file");
    }

    public ChannelName channel() {
        return recording.channel();
    }

    public boolean isPlaylist() {
        return object == Kind.MULTIVARIANT_PLAYLIST || object == Kind.MEDIA_PLAYLIST;
    }

    /** Empty for any target that is not exactly one of the shapes above. */
    public static Optional<RecordingPath> parse(String target) {
        if (target == null || target.length() > MAX_TARGET_LENGTH || !target.startsWith(PREFIX) || target.indexOf('?') >= 0) {
            return Optional.empty();
        }
        String[] steps = target.substring(PREFIX.length()).split("/", -1);
        Optional<RecordingId> id = RecordingId.parse(steps[0]);
        if (id.isEmpty() || steps.length < 2 || steps.length > 3) {
            return Optional.empty();
        }
        if (steps.length == 2) {
            return switch (steps[1]) {
                case MASTER -> Optional.of(new RecordingPath(id.get(), Optional.empty(), Kind.MULTIVARIANT_PLAYLIST, Optional.empty()));
                case THUMBNAIL -> Optional.of(new RecordingPath(id.get(), Optional.empty(), Kind.THUMBNAIL, Optional.empty()));
                default -> Optional.empty();
            };
        }
        if (!RenditionId.isValid(steps[1])) {
            return Optional.empty();
        }
        Optional<RenditionId> rendition = Optional.of(RenditionId.of(steps[1]));
        String file = steps[2];
        if (file.equals(MEDIA)) {
            return Optional.of(new RecordingPath(id.get(), rendition, Kind.MEDIA_PLAYLIST, Optional.empty()));
        }
        if (initMsn(file).isPresent()) {
            return Optional.of(new RecordingPath(id.get(), rendition, Kind.INIT, Optional.of(file)));
        }
        return SegmentFile.parse(file).map(segment -> new RecordingPath(id.get(), rendition, Kind.SEGMENT, Optional.of(file)));
    }

    /** The segment an init segment's name says it starts at ({@code init-42.mp4}), or empty for any other name. */
    public static OptionalLong initMsn(String file) {
        if (!file.startsWith("init-") || !file.endsWith(".mp4")) {
            return OptionalLong.empty();
        }
        String digits = file.substring("init-".length(), file.length() - ".mp4".length());
        if (digits.isEmpty() || digits.length() > 15 || (digits.length() > 1 && digits.charAt(0) == '0')
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(digits));
    }

    /** Where a stored object lies in the recording store; empty for playlists, which are made from the listing. */
    public Optional<String> storeKey() {
        return switch (object) {
            case THUMBNAIL -> Optional.of(recording.storePrefix() + THUMBNAIL);
            case INIT, SEGMENT -> Optional.of(recording.storePrefix() + rendition.orElseThrow() + "/" + file.orElseThrow());
            default -> Optional.empty();
        };
    }

    /** The canonical request target: what caches key on and what is forwarded upstream. */
    public String canonical() {
        StringBuilder out = new StringBuilder(PREFIX).append(recording).append('/');
        switch (object) {
            case MULTIVARIANT_PLAYLIST -> out.append(MASTER);
            case THUMBNAIL -> out.append(THUMBNAIL);
            case MEDIA_PLAYLIST -> out.append(rendition.orElseThrow()).append('/').append(MEDIA);
            default -> out.append(rendition.orElseThrow()).append('/').append(file.orElseThrow());
        }
        return out.toString();
    }

    /** The master playlist's path of a recording: what the recordings API hands out. */
    public static String master(RecordingId recording) {
        return PREFIX + recording + "/" + MASTER;
    }
}
