package dev.vcdn.origin.pipeline;

import dev.vcdn.shared.media.MediaPacket;

/**
 * Where an ingest connection hands its packets: the stream's pipeline. Bounded; when full the
 * connection stops reading from its socket (TCP pushes back on the publisher) until told there
 * is room again.
 */
public interface MediaSink {

    /**
     * Offers one packet, from the connection's event loop; never blocks.
     *
     * @return false when the sink is full: the packet was not taken, offer it again after {@link #whenWritable}
     */
    boolean offer(MediaPacket packet);

    /** Runs {@code callback} once, on the calling context, when the sink has room again. */
    void whenWritable(Runnable callback);

    /** No more packets: the pipeline finishes and frees what it holds. Idempotent. */
    void close();
}
