package dev.vcdn.origin.ingest;

import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.TimeBase;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keeps one publish's timestamps on one continuous timeline: a publisher whose timestamps jump
 * minutes forward or back (an encoder restarted behind a relay, a source switched in OBS, a
 * 32-bit RTMP clock wrapping) would otherwise put a segment of minutes, or time running
 * backwards, into every playlist. A jump is shifted out with one offset for every track, so
 * audio and video stay in sync. A pause is not a jump: a track that paused while another went on
 * (a still screen sent at a variable frame rate), or a whole stream whose media time moved on
 * as far as the wall clock did (a publisher that sent nothing for a while), keeps its gap.
 *
 * <p>A packet is on the timeline when it does not go back in its own track by more than
 * {@link #BACK_TOLERANCE_MICROS} and lies within {@link #WINDOW_MICROS} of the newest packet of
 * any track, or after it by about as long as the wall clock says passed since that one came. One
 * that is not, under the current offset or, shortly after a jump, the one before it (the other
 * track's packets from before the jump, still in flight), starts a new offset: it is put after the
 * newest packet by the time that passed since that one came (one frame at least), so media time
 * keeps pace with the wall clock, which PROGRAM-DATE-TIME is read against. Owned by the
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
    /** How far a pause's media time may differ from the wall clock's, in part of the pause. */
    private static final double PAUSE_TOLERANCE = 0.25;

    /** Told each time a jump is shifted out, with its size. */
    interface JumpListener {
        void jumped(MediaKind kind, long jumpMicros);
    }

    private final MediaSink delegate;
    private final JumpListener listener;
    private final LongSupplier nanoTime;
    private final Map<MediaKind, Long> lastMicros = new EnumMap<>(MediaKind.class);
    private final Map<MediaKind, Long> stepMicros = new EnumMap<>(MediaKind.class);
    private long newestMicros;
    /** When the newest packet came, on the wall clock. */
    private long newestArrivalNanos;
    private boolean started;
    private long offsetMicros;
    /** The offset before the last jump, for packets from before it: up to {@link #previousUntilMicros} only. */
    private long previousOffsetMicros;
    private long previousUntilMicros = Long.MIN_VALUE;

    /** @param nanoTime the wall clock ({@code System::nanoTime}) */
    ContinuousTimeline(MediaSink delegate, JumpListener listener, LongSupplier nanoTime) {
        this.delegate = delegate;
        this.listener = listener;
        this.nanoTime = nanoTime;
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
        long now = nanoTime.getAsLong();
        long pausedMicros = started ? Math.max(0, (now - newestArrivalNanos) / 1000) : 0;
        long offset = offsetMicros;
        boolean jump = false;
        if (started && !onTimeline(raw + offset, last, pausedMicros)) {
            if (raw + previousOffsetMicros <= previousUntilMicros && onTimeline(raw + previousOffsetMicros, last, pausedMicros)) {
                offset = previousOffsetMicros;
            } else {
                long step = stepMicros.getOrDefault(packet.kind(), defaultStep(packet.kind()));
                offset = newestMicros + Math.max(step, pausedMicros) - raw;
                jump = true;
            }
        }
        if (!delegate.offer(shifted(packet, offset))) {
            return false; // offered again later: nothing is remembered of this try
        }
        if (jump) {
            listener.jumped(packet.kind(), offsetMicros - offset);
            previousOffsetMicros = offsetMicros;
            previousUntilMicros = newestMicros + WINDOW_MICROS;
            offsetMicros = offset;
        }
        long at = raw + offset;
        if (last != null && at > last && at - last <= MAX_STEP_MICROS) {
            stepMicros.put(packet.kind(), at - last);
        }
        lastMicros.put(packet.kind(), last == null ? at : Math.max(last, at));
        if (!started || at >= newestMicros) {
            newestMicros = at;
            newestArrivalNanos = now;
        }
        started = true;
        return true;
    }

    private boolean onTimeline(long at, Long lastOfTrack, long pausedMicros) {
        boolean forwardInTrack = lastOfTrack == null || at >= lastOfTrack - BACK_TOLERANCE_MICROS;
        long ahead = at - newestMicros;
        boolean pause = ahead > 0 && Math.abs(ahead - pausedMicros) <= PAUSE_TOLERANCE * pausedMicros;
        return forwardInTrack && (Math.abs(ahead) <= WINDOW_MICROS || pause);
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
