package dev.vcdn.origin.packager;

import dev.vcdn.origin.transcode.RenditionInfo;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import java.time.Instant;

/**
 * Cuts one rendition into LL-HLS parts and segments on the thread that produces its packets:
 * a part ends before the packet that would take it past PART-TARGET, a segment ends before a
 * keyframe (video) or at the segment target (audio), and each finished part goes to the
 * rendition's window through {@link Sink}. A packet is written once the next one gives its
 * duration, so a part is out one frame after its last frame was encoded.
 */
final class RenditionPackager implements AutoCloseable {

    /** Where finished parts go (the window, on its event loop). Called on the producer thread. */
    interface Sink {
        void part(long msn, int index, byte[] bytes, long durationMillis, boolean independent, Instant segmentStart);

        void segmentComplete(long msn);
    }

    private final RenditionInfo info;
    private final PackagingSettings settings;
    private final Fmp4Muxer muxer;
    private final Sink sink;
    private final Instant wallClockOfZero;

    private MediaPacket held;
    private long heldDuration = 33;
    private long msn = -1;
    private int partIndex;
    private long segmentStart;
    private long partStart;
    private boolean partIndependent;

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

    byte[] initSegment() {
        return muxer.initSegment();
    }

    void packet(MediaPacket packet) {
        if (packet.isConfig()) {
            return; // the init segment carries the configuration
        }
        if (held == null) {
            if (info.kind() == MediaKind.VIDEO && !packet.keyframe()) {
                return; // a rendition starts on a keyframe
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
            cutPart(packet.dts());
        }
        if (newSegment) {
            sink.segmentComplete(msn);
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

    private void cutPart(long nextStart) {
        byte[] fragment = muxer.cutFragment();
        sink.part(msn, partIndex, fragment, nextStart - partStart, partIndependent,
                wallClockOfZero.plusMillis(segmentStart));
        partIndex++;
        partStart = nextStart;
        partIndependent = info.kind() == MediaKind.AUDIO;
    }

    /** Writes the last packet and publishes the last part. */
    void finish() {
        if (held != null) {
            muxer.write(held, heldDuration);
            cutPart(held.dts() + heldDuration);
            sink.segmentComplete(msn);
            held = null;
        }
    }

    @Override
    public void close() {
        muxer.close();
    }
}
