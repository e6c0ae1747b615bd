package dev.vcdn.origin.ingest.rtmp;

import java.util.function.LongSupplier;

/**
 * Holds one track of a publisher faster than real time (a file sent without {@code -re}) to real
 * time: media may run ahead of the wall clock by {@link #maxLeadMillis}, then reading pauses until
 * half of that lead is left. A publisher that fell behind (a network stall) may catch up at any
 * speed, by as much as a jump's worth at most (a clock that drifts slow builds no larger credit).
 * A jump in the timestamps themselves (an encoder restarted behind the connection, a publisher
 * skipping minutes forward or back) starts the comparison again instead of pausing for minutes.
 * One per track: audio and video timestamps may stand apart.
 */
final class RealTimePace {

    private final long maxLeadMillis;
    private final long jumpMillis;
    private final LongSupplier nanoTime;
    private long anchorMillis;
    private long anchorNanos;
    private long lastMillis;
    private boolean anchored;

    /**
     * @param maxLeadMillis how far media may run ahead of the wall clock
     * @param jumpMillis    a step between two packets' timestamps larger than this is a jump, not media
     * @param nanoTime      the wall clock ({@code System::nanoTime})
     */
    RealTimePace(long maxLeadMillis, long jumpMillis, LongSupplier nanoTime) {
        if (maxLeadMillis <= 0 || jumpMillis <= maxLeadMillis) {
            throw new IllegalArgumentException("lead " + maxLeadMillis + " ms, jump " + jumpMillis + " ms");
        }
        this.maxLeadMillis = maxLeadMillis;
        this.jumpMillis = jumpMillis;
        this.nanoTime = nanoTime;
    }

    /** A media packet at {@code timestampMillis} was read: how long to stop reading now (0: go on). */
    long pauseFor(long timestampMillis) {
        long now = nanoTime.getAsLong();
        boolean jumped = anchored && Math.abs(timestampMillis - lastMillis) > jumpMillis;
        lastMillis = timestampMillis;
        if (!anchored || jumped) {
            anchored = true;
            anchorMillis = timestampMillis;
            anchorNanos = now;
            return 0;
        }
        long lead = (timestampMillis - anchorMillis) - (now - anchorNanos) / 1_000_000;
        if (lead < -jumpMillis) {
            anchorNanos = now - (timestampMillis - anchorMillis + jumpMillis) * 1_000_000;
            return 0;
        }
        return lead > maxLeadMillis ? lead - maxLeadMillis / 2 : 0;
    }
}
