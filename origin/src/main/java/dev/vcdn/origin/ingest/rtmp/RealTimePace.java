package dev.vcdn.origin.ingest.rtmp;

import java.util.function.LongSupplier;

/**
 * Holds a publisher faster than real time (a file sent without {@code -re}) to real time: media
 * may run ahead of the wall clock by {@link #maxLeadMillis}, then reading pauses until half of
 * that lead is left. A timestamp jump (an encoder restarted behind the connection, a publisher
 * skipping minutes forward or back) starts the comparison again instead of pausing for minutes.
 */
final class RealTimePace {

    private final long maxLeadMillis;
    private final long jumpMillis;
    private final LongSupplier nanoTime;
    private long anchorMillis;
    private long anchorNanos;
    private boolean anchored;

    /**
     * @param maxLeadMillis how far media may run ahead of the wall clock
     * @param jumpMillis    a lead or lag larger than this is a jump in the timestamps, not speed
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
        if (!anchored) {
            anchor(timestampMillis, now);
            return 0;
        }
        long lead = (timestampMillis - anchorMillis) - (now - anchorNanos) / 1_000_000;
        if (Math.abs(lead) > jumpMillis) {
            anchor(timestampMillis, now);
            return 0;
        }
        return lead > maxLeadMillis ? lead - maxLeadMillis / 2 : 0;
    }

    private void anchor(long timestampMillis, long now) {
        anchored = true;
        anchorMillis = timestampMillis;
        anchorNanos = now;
    }
}
