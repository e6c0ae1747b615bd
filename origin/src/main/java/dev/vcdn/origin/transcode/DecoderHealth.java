package dev.vcdn.origin.transcode;

/**
 * Whether the video decoder still works: packets it refuses (damaged data) cost a damaged
 * picture until the next keyframe and are counted; only when it refuses everything, at least
 * {@value #DEAD_AFTER_PACKETS} packets over {@value #DEAD_AFTER_MILLIS} ms of media, is it dead,
 * and the publish ends. Decode thread only.
 */
final class DecoderHealth {

    static final long DEAD_AFTER_MILLIS = 5_000;
    static final int DEAD_AFTER_PACKETS = 50;

    private long refusedInARow;
    private long firstRefusedMillis;

    /** A packet was decoded; returns how many had been refused in a row before it. */
    long decoded() {
        long run = refusedInARow;
        refusedInARow = 0;
        return run;
    }

    /**
     * A packet at {@code dtsMillis} was refused; true when the decoder is now considered dead. A
     * timestamp before the first refused one (the publisher's clock went back) restarts the span.
     */
    boolean refused(long dtsMillis) {
        if (refusedInARow++ == 0 || dtsMillis < firstRefusedMillis) {
            firstRefusedMillis = dtsMillis;
        }
        return refusedInARow >= DEAD_AFTER_PACKETS && dtsMillis - firstRefusedMillis >= DEAD_AFTER_MILLIS;
    }

    long refusedInARow() {
        return refusedInARow;
    }
}
