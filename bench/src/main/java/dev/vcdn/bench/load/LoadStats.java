package dev.vcdn.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What every virtual viewer reports, from any event loop; the reporter drains it once a second. */
final class LoadStats {

    /** Error key (with the exception's class after a colon) for a request that got no HTTP answer (refused, reset, timed out). */
    static final String NO_ANSWER = "io";

    final LongAdder requests = new LongAdder();
    final LongAdder bytes = new LongAdder();
    /** Stalls of the steady viewers, the ones that could play without. */
    final LongAdder stalls = new LongAdder();
    final LongAdder stalledMicros = new LongAdder();
    /** Stalls of slow and leaving viewers: expected, counted apart. */
    final LongAdder otherStalls = new LongAdder();
    final LongAdder drops = new LongAdder();
    final LongAdder switches = new LongAdder();
    final LongAdder thumbnails = new LongAdder();
    final LongAdder joins = new LongAdder();
    /** Preload-hinted parts answered 404: their segment closed before them (normal LL-HLS, not an error). */
    final LongAdder hintsNeverMade = new LongAdder();
    /** Blocking playlist reloads answered after a wait, by their delay since the part's arrival at the edge. */
    final DelayHistogram heldReloads = new DelayHistogram();
    /** Preload-hinted parts answered after a wait, the same. */
    final DelayHistogram heldParts = new DelayHistogram();
    /** Errors of the steady viewers, and apart those of slow and leaving ones (cut off, gone midway). */
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> otherErrors = new ConcurrentHashMap<>();

    void error(VirtualViewer.Kind viewer, String kind) {
        (viewer == VirtualViewer.Kind.STEADY ? errors : otherErrors).computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Steady viewers' errors by HTTP status or {@link #NO_ANSWER} since the last call. */
    Map<String, Long> drainErrors() {
        return drain(errors);
    }

    /** Slow and leaving viewers' errors since the last call. */
    Map<String, Long> drainOtherErrors() {
        return drain(otherErrors);
    }

    private static Map<String, Long> drain(Map<String, LongAdder> errors) {
        Map<String, Long> drained = new TreeMap<>();
        errors.forEach((kind, count) -> {
            long n = count.sumThenReset();
            if (n > 0) {
                drained.put(kind, n);
            }
        });
        return drained;
    }
}
