package dev.vcdn.origin.ingest;

import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.TimeBase;
import java.util.EnumMap;
import java.util.Map;

/**
 * Keeps one publish's timestamps on one continuous timeline: a publisher whose timestamps jump
 * minutes forward or back (an encoder restarted behind a relay, a source switched in OBS, a
 * 32-bit RTMP clock wrapping) would otherwise put a segment of minutes, or time running
 * backwards, into every playlist. A jump is shifted out with one offset for every track, so
 * audio and video stay in sync; a track that paused while another went on (a still screen sent
 * at a variable frame rate) is not a jump and keeps its gap.
 *
 * <p>A packet is on the timeline when it does not go back in its own track by more than
 * {@link #BACK_TOLERANCE_MICROS} and lies within {@link #WINDOW_MICROS} of the newest packet of
 * any track. One that is not, under the current offset or the one before the last jump (the
 * other track's packets from before it, still in flight), starts a new offset that puts it one
 * frame after the newest packet. A whole stream that sent nothing for longer than the window is
 * closed up the same way: a sample as long as the pause would make one part and segment that
 * long. Its PROGRAM-DATE-TIME then runs behind the wall clock by the pause. Owned by the
 * publisher's connection's event loop.
 */
final class ContinuousTimeline implements MediaSink {

    static final TimeBase MICROS = new TimeBase(1, 1_000_000);
    /** How far apart audio and video of one source may be in a connection (MPEG-TS muxers delay up to about a second). */
    static final long WINDOW_MICROS = 3_000_000;
    /** Small steps back (encoders with sloppy clocks) are left to the pipeline as they were. */
    static final long BACK_TOLERANCE_MICROS = 500_000;
    private static final long DEFAULT_VIDEO_STEP_MICROS = 33_333;
    private static final long DEFAULT_AUDIO_STEP_MICROS = 21_333;
    /** A step between a track's frames larger than this is not its frame duration. */
    private static final long MAX_STEP_MICROS = 250_000;

    /** Told each time a jump is shifted out, with its size. */
    interface JumpListener {
        void jumped(MediaKind kind, long jumpMicros);
    }

    private final MediaSink delegate;
    private final JumpListener listener;
    private final Map<MediaKind, Long> lastMicros = new EnumMap<>(MediaKind.class);
    private final Map<MediaKind, Long> stepMicros = new EnumMap<>(MediaKind.class);
    private long newestMicros;
    private boolean started;
    private long offsetMicros;
    /**
     * The offset before the last jump, for packets from before it: up to {@link #previousUntilMicros},
     * which each such packet moves on (a track that keeps its old clock keeps that offset).
     */
    private long previousOffsetMicros;
    private long previousUntilMicros = Long.MIN_VALUE;

    ContinuousTimeline(MediaSink delegate, JumpListener listener) {
        this.delegate = delegate;
        this.listener = listener;
    }

    @Override
    public boolean offer(MediaPacket packet) {
        long raw = packet.timeBase().rescale(packet.dts(), MICROS);
        Long last = lastMicros.get(packet.kind());
        if (packet.isConfig()) {
            // A configuration takes effect at its place in the stream: no later than the track's last frame.
            long at = last != null ? last : raw + offsetMicros;
            return delegate.offer(shifted(packet, at - raw));
        }
        long offset = offsetMicros;
        boolean jump = false;
        boolean straggler = false;
        if (started && !onTimeline(raw + offset, last)) {
            if (raw + previousOffsetMicros <= previousUntilMicros && onTimeline(raw + previousOffsetMicros, last)) {
                offset = previousOffsetMicros;
                straggler = true;
            } else {
                offset = newestMicros + stepMicros.getOrDefault(packet.kind(), defaultStep(packet.kind())) - raw;
                jump = true;
            }
        }
        if (!delegate.offer(shifted(packet, offset))) {
            return false; // offered again later: nothing is remembered of this try
        }
        long at = raw + offset;
        if (jump) {
            listener.jumped(packet.kind(), offsetMicros - offset);
            previousOffsetMicros = offsetMicros;
            previousUntilMicros = newestMicros + WINDOW_MICROS;
            offsetMicros = offset;
        } else if (straggler) {
            previousUntilMicros = Math.max(previousUntilMicros, at + WINDOW_MICROS);
        }
        if (last != null && at > last && at - last <= MAX_STEP_MICROS) {
            stepMicros.put(packet.kind(), at - last);
        }
        lastMicros.put(packet.kind(), last == null ? at : Math.max(last, at));
        newestMicros = started ? Math.max(newestMicros, at) : at;
        started = true;
        return true;
    }

    private boolean onTimeline(long at, Long lastOfTrack) {
        boolean forwardInTrack = lastOfTrack == null || at >= lastOfTrack - BACK_TOLERANCE_MICROS;
        return forwardInTrack && Math.abs(at - newestMicros) <= WINDOW_MICROS;
    }

    private static long defaultStep(MediaKind kind) {
        return kind == MediaKind.VIDEO ? DEFAULT_VIDEO_STEP_MICROS : DEFAULT_AUDIO_STEP_MICROS;
    }

    private static MediaPacket shifted(MediaPacket packet, long offsetMicros) {
        if (offsetMicros == 0) {
            return packet;
        }
        long offset = MICROS.rescale(offsetMicros, packet.timeBase());
        return new MediaPacket(packet.codec(), packet.type(), packet.dts() + offset, packet.pts() + offset,
                packet.timeBase(), packet.keyframe(), packet.payload());
    }

    @Override
    public void whenWritable(Runnable callback) {
        delegate.whenWritable(callback);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
