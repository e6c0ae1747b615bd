package dev.vcdn.origin.pipeline;

import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.RenditionId;
import java.time.Instant;

/**
 * Where a stream's ladder goes (the packager). Called from the stream's decode thread and from
 * each rung's thread, so implementations are thread-safe; calls for one rendition come from one
 * thread, in order.
 */
public interface LadderOutput {

    /**
     * Called once, before any rendition, when the stream's first packet reaches the transcoder:
     * the wall-clock time of media timestamp 0, from which PROGRAM-DATE-TIME is derived.
     */
    default void mediaClock(Instant wallClockOfMediaZero) {
    }

    /** A rendition starts: called once, before its first packet. */
    void rendition(RenditionInfo info);

    /** One encoded (or passed-through) packet of {@code rendition}, in decode order. */
    void packet(RenditionId rendition, MediaPacket packet);

    /** The stream has ended and every rendition has delivered its last packet. */
    void end();
}
