package dev.vcdn.origin.pipeline;

import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.RenditionId;
import java.time.Instant;

/**
 * Where a stream's ladder goes (the packager). Called from the stream's decode thread and from
 * each rung's thread, so implementations are thread-safe; calls for one rendition come from one
 * thread (its producer), in order.
 */
public interface LadderOutput {

    /**
     * Called once, before any rendition, when the stream's first packet reaches the transcoder:
     * the wall-clock time of media timestamp 0, from which PROGRAM-DATE-TIME is derived.
     */
    default void mediaClock(Instant wallClockOfMediaZero) {
    }

    /** The publish has sound and no picture: its audio rendition is the whole stream. */
    default void noPicture() {
    }

    /**
     * A rendition starts: called before its first packet, and again when it comes back after
     * {@link #renditionDown} (its encoder restarted), its next packet a keyframe.
     *
     * @return false when the rendition is not taken (it cannot be packaged, or no longer as
     *         declared): its producer need not make it any more
     */
    boolean rendition(RenditionInfo info);

    /**
     * One encoded (or passed-through) packet of {@code rendition}, in decode order.
     *
     * @return false when the rendition is no longer taken (its packaging failed for good)
     */
    boolean packet(RenditionId rendition, MediaPacket packet);

    /**
     * A segment boundary (a keyframe every rendition cuts at, at {@code ptsMillis}) passed while
     * {@code rendition} had no picture for it (it is down): its time becomes a gap, so that its
     * segments stay aligned with the other renditions'.
     */
    default void skipped(RenditionId rendition, long ptsMillis) {
    }

    /**
     * The rendition stopped on a failure (its encoder broke) while the stream goes on: what it
     * delivered so far is complete, players should be moved off it until {@link #rendition}
     * declares it again.
     */
    default void renditionDown(RenditionId rendition, String reason) {
    }

    /**
     * No packet of {@code rendition} follows: called by its producer's thread as that producer's
     * last act, so whatever the rendition holds can be freed there and then.
     */
    default void renditionEnd(RenditionId rendition) {
    }

    /**
     * The stream has ended: every producer has ended its renditions, except one that was stuck
     * past the transcoder's wait, which still ends its own when it returns.
     */
    void end();
}
