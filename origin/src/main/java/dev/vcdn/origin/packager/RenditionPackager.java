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
 * <p>When its producer fails, {@link #interrupt()} publishes what was delivered, and the time
 * until the producer is back becomes a gap: {@link #skip} closes the open segment at each
 * segment boundary the other renditions cut at, with gap parts ({@code GAP=YES}) for the
 * missing time, so segment numbers and the timeline stay those of the other renditions and the
 * restart needs no discontinuity. Producer thread only.
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

        /** A part's worth of time (at most PART-TARGET) without media: the producer was down. */
        void gap(long msn, int index, long durationMillis, Instant segmentStart, boolean lastOfSegment);
    }

    private final RenditionInfo info;
    private final PackagingSettings settings;
    private final Fmp4Muxer muxer;
    private final Sink sink;
    private final Instant wallClockOfZero;

    private MediaPacket held;
    private long nudged;
    private long heldDuration = 33;
    private long msn;
    private int partIndex;
    private long segmentStart;
    private long partStart;
    private boolean partIndependent;
    /** Since {@link #interrupt()}: the producer is down, and its time until it is back becomes a gap. */
    private boolean down;
    /** Its first segment has begun: before that, there is nothing a gap would follow. */
    private boolean started;
    /** Media time the gap began: where the last packet written ended. */
    private long gapStart;
    /** Where the last packet written ends, in media time. */
    private long writtenUntil;

    /**
     * @param wallClockOfZero the wall-clock time of media timestamp 0, for PROGRAM-DATE-TIME
     * @param firstMsn        the number of its first segment: the segment boundaries its producer
     *                        passed before it could declare it, so it is numbered as the others
     */
    RenditionPackager(RenditionInfo info, Fmp4Muxer muxer, PackagingSettings settings, Sink sink, Instant wallClockOfZero,
                      long firstMsn) {
        this.info = info;
        this.muxer = muxer;
        this.settings = settings;
        this.sink = sink;
        this.wallClockOfZero = wallClockOfZero;
        this.msn = firstMsn - 1;
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
            if (down) {
                // Back at a segment boundary: the gap completes the segment it is in.
                gapUntil(packet.dts());
                muxer.startsAfterGap();
                down = false;
            }
            startSegment(packet);
            held = packet;
            return;
        }
        long duration = Math.max(1, packet.dts() - held.dts());
        heldDuration = duration;
        muxer.write(held, duration);
        writtenUntil = held.dts() + duration;
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
        started = true;
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
     * The producer stopped on a failure: what it delivered is published as the segment's last
     * part so far, and the segment stays open for the gap that follows.
     */
    void interrupt() {
        if (down) {
            return; // failed again before it was back: the gap goes on from where it began
        }
        MediaPacket last = held;
        held = null;
        gapStart = last != null ? last.dts() + heldDuration : writtenUntil;
        down = true; // whatever the muxer does below: the time from here on is a gap
        if (last != null) {
            muxer.write(last, heldDuration);
            writtenUntil = gapStart;
            cutPart(gapStart, false);
        }
    }

    /**
     * A segment boundary (a keyframe every rendition cuts at) passed while the producer was down:
     * the open segment ends there, its missing time a gap, and a segment of gap begins.
     */
    void skip(long boundaryMillis) {
        if (!down) {
            return;
        }
        if (!started) {
            msn++; // a segment the others began: its first will be numbered after it
            return;
        }
        if (boundaryMillis <= gapStart) {
            return;
        }
        gapUntil(boundaryMillis);
        msn++;
        partIndex = 0;
        segmentStart = boundaryMillis;
        partStart = boundaryMillis;
        gapStart = boundaryMillis;
    }

    /** Gap parts of at most PART-TARGET from the gap's start to {@code endMillis}, the last one ending the segment. */
    private void gapUntil(long endMillis) {
        long total = endMillis - gapStart;
        if (!started || total <= 0) {
            return;
        }
        long target = settings.partTarget().toMillis();
        int pieces = (int) ((total + target - 1) / target);
        for (int i = 0; i < pieces; i++) {
            long duration = i < pieces - 1 ? total / pieces : total - (pieces - 1) * (total / pieces);
            sink.gap(msn, partIndex++, duration, wallClockOfZero.plusMillis(segmentStart), i == pieces - 1);
        }
        gapStart = endMillis;
        partStart = endMillis;
    }

    /** Writes the last packet and publishes the last part. */
    void finish() {
        if (held != null) {
            MediaPacket last = held;
            held = null;
            muxer.write(last, heldDuration);
            writtenUntil = last.dts() + heldDuration;
            cutPart(writtenUntil, true);
        }
    }

    @Override
    public void close() {
        muxer.close();
    }
}
