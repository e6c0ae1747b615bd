package dev.vcdn.origin.ingest.rtmp;

/**
 * RTMP timestamps are 32-bit milliseconds and wrap after about 49.7 days of streaming; this
 * keeps them increasing. A jump back by more than half the range is a wrap, anything less is a
 * (legal, small) step back, e.g. audio slightly behind video.
 */
final class TimestampUnwrapper {

    private static final long RANGE = 1L << 32;
    private long last = -1;
    private long epoch;

    long unwrap(long timestamp32) {
        if (last >= 0) {
            long previous = last & (RANGE - 1);
            if (previous - timestamp32 > RANGE / 2) {
                epoch += RANGE;
            } else if (timestamp32 - previous > RANGE / 2 && epoch > 0) {
                return epoch - RANGE + timestamp32; // a late packet from before the wrap
            }
        }
        last = epoch + timestamp32;
        return last;
    }
}
