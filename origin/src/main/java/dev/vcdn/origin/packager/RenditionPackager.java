package dev.vcdn.origin.packager;

import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one rendition into LL-HLS parts and segments on the thread that produces its packets:
 * a part ends before the packet that would take it past PART-TARGET, a segment ends before a
 * keyframe (video) or at the segment target (audio), and each finished part goes to the
 * rendition's window through {@link Sink}. A packet is written once the next one gives its
 * duration, so a part is out one frame after its last frame was encoded.
 *
 * <p>When its producer fails, {@link #interrupt()} closes what was delivered (the open part and
 * segment); what comes after the producer restarts begins a new segment marked as a
 * discontinuity. Producer thread only.
 */
final class RenditionPackager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RenditionPackager.class);

    /** Where finished parts go (the window, on its event loop). Called on the producer thread. */
    interface Sink {
        /**
         * A finished part. {@code lastOfSegment} comes with the part itself, never after it: a
         * playlist made between the two would hint a part of this segment that never comes.
         */
        void part(long msn, int index, byte[] bytes, long durationMillis, boolean independent, Instant segmentStart,
                  boolean lastOfSegment);

        /** The next segment does not continue the timeline of the one before (a producer restarted after a gap). */
        default void discontinuity() {
        }
    }

    private final RenditionInfo info;
    private final PackagingSettings settings;
    private final Fmp4Muxer muxer;
    private final Sink sink;
    private final Instant wallClockOfZero;

    private MediaPacket held;
    private long nudged;
    private long heldDuration = 33;
    private long msn = -1;
    private int partIndex;
    private long segmentStart;
    private long partStart;
    private boolean partIndependent;
    private boolean discontinuityNext;

    /**
     * @param wallClockOfZero the wall-clock time of media timestamp 0, for PROGRAM-DATE-TIME
     */
    RenditionPackager(RenditionInfo info, Fmp4Muxer muxer, PackagingSettings settings, Sink sink, Instant wallClockOfZero) {
        this.info = info;
        this.muxer = muxer;
        this.settings = settings;
        this.sink = sink;
        this.wallClockOfZero = wallClockOfZero;
    }

    /**
     * The packet, its decode time moved to just after the held one's where it does not come later:
     * a publisher's rounded or repeated timestamps (seen from GStreamer's RTMP audio) would
     * otherwise make the muxer refuse the rendition for good. Nothing is dropped; the next packet
     * with a later time puts the timeline back.
     */
    private MediaPacket increasing(MediaPacket packet) {
        if (held == null || packet.dts() > held.dts()) {
            return packet;
        }
        if (nudged++ == 0) {
            log.warn("rendition {}: timestamps not increasing ({} ms after {} ms); moved forward, warned once",
                    info.id(), packet.dts(), held.dts());
        }
        long dts = held.dts() + 1;
        return MediaPacket.frame(packet.codec(), dts, Math.max(packet.pts(), dts), packet.timeBase(), packet.keyframe(),
                packet.payload());
    }

    /** Packets whose decode time had to be moved forward. */
    long nudgedPackets() {
        return nudged;
    }

    byte[] initSegment() {
        return muxer.initSegment();
    }

    void packet(MediaPacket input) {
        if (input.isConfig()) {
            return; // the init segment carries the configuration
        }
        MediaPacket packet = increasing(input);
        if (held == null) {
            if (info.kind() == MediaKind.VIDEO && !packet.keyframe()) {
                return; // a rendition starts on a keyframe
            }
            if (discontinuityNext) {
                discontinuityNext = false;
                sink.discontinuity();
            }
            startSegment(packet);
            held = packet;
            return;
        }
        long duration = Math.max(1, packet.dts() - held.dts());
        heldDuration = duration;
        muxer.write(held, duration);
        boolean newSegment = info.kind() == MediaKind.VIDEO
                ? packet.keyframe()
                : packet.dts() - segmentStart >= settings.segmentTarget().toMillis();
        long partSoFar = packet.dts() - partStart;
        if (newSegment || partSoFar + duration > settings.partTarget().toMillis()) {
            cutPart(packet.dts(), newSegment);
        }
        if (newSegment) {
            startSegment(packet);
        }
        held = packet;
    }

    private void startSegment(MediaPacket first) {
        msn++;
        partIndex = 0;
        segmentStart = first.dts();
        partStart = first.dts();
        partIndependent = true;
    }

    private void cutPart(long nextStart, boolean lastOfSegment) {
        byte[] fragment = muxer.cutFragment();
        sink.part(msn, partIndex, fragment, nextStart - partStart, partIndependent,
                wallClockOfZero.plusMillis(segmentStart), lastOfSegment);
        partIndex++;
        partStart = nextStart;
        partIndependent = info.kind() == MediaKind.AUDIO;
    }

    /**
     * The producer stopped on a failure: what it delivered is published (the last part, the
     * segment complete), and whatever it sends after its restart starts a new segment after a
     * discontinuity.
     */
    void interrupt() {
        finish();
        discontinuityNext = msn >= 0;
    }

    /** Writes the last packet and publishes the last part. */
    void finish() {
        if (held != null) {
            muxer.write(held, heldDuration);
            cutPart(held.dts() + heldDuration, true);
            held = null;
        }
    }

    @Override
    public void close() {
        muxer.close();
    }
}
