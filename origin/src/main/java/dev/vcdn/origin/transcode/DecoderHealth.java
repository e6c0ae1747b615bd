package dev.vcdn.origin.transcode;

/**
 * Whether the video decoder still works: packets it refuses (damaged data) cost a damaged
 * picture until the next keyframe and are counted; only when it refuses everything for
 * {@value #DEAD_AFTER_MILLIS} ms of media is it dead, and the publish ends. Decode thread only.
 */
final class DecoderHealth {

    static final long DEAD_AFTER_MILLIS = 5_000;

    private long refusedInARow;
    private long firstRefusedMillis;

    /** A packet was decoded; returns how many had been refused in a row before it. */
    long decoded() {
        long run = refusedInARow;
        refusedInARow = 0;
        return run;
    }

    /** A packet at {@code dtsMillis} was refused; true when the decoder is now considered dead. */
    boolean refused(long dtsMillis) {
        if (refusedInARow++ == 0) {
            firstRefusedMillis = dtsMillis;
        }
        return dtsMillis - firstRefusedMillis >= DEAD_AFTER_MILLIS;
    }

    long refusedInARow() {
        return refusedInARow;
    }
}
