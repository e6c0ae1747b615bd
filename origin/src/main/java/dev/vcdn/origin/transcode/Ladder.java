package dev.vcdn.origin.transcode;

import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.transcode.tap.FrameTap;
import dev.vcdn.origin.transcode.tap.TapWorker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * The encoded rungs of one stream and the taps beside them, each on its own thread: assembled
 * once the first picture is decoded, fed every picture after it, and finished at the end.
 * Decode thread only.
 */
final class Ladder {

    private final List<RungWorker> workers = new ArrayList<>();
    /** The rungs scaled from the decoded source itself; the others are scaled from a larger rung. */
    private final List<RungWorker> scaledFromSource = new ArrayList<>();
    private final List<TapWorker> taps = new ArrayList<>();
    private final Duration rungEndWait;

    /**
     * @param rungs     the planned ladder; passed-through rungs have no worker here
     * @param sourceFps   the source's frame rate: a rung well below it encodes every other picture
     * @param rungEndWait how long {@link #finish()} waits for each rung
     */
    Ladder(List<Rung> rungs, double sourceFps, PublishGrant grant, List<FrameTap> frameTaps, LadderOutput output,
           RungEncoder.Factory encoders, MeterRegistry metrics, Duration rungEndWait) {
        this.rungEndWait = rungEndWait;
        for (FrameTap tap : frameTaps) {
            tap.open(grant).ifPresent(session -> taps.add(new TapWorker(session, "tap-" + grant.channel())));
        }
        for (Rung rung : rungs) {
            if (!rung.passthrough()) {
                workers.add(new RungWorker(rung, grant.channel().value(), output, encoders, metrics,
                        rung.fps() < sourceFps * 0.75));
            }
        }
        chainScaling();
    }

    /**
     * A rung of the same size as an earlier one (the AV1 or VP9 rung beside its H.264 twin) takes
     * that rung's picture as it is, no scaling; any other is scaled from the smallest larger rung
     * (its picture is already at hand and far closer in size than the source); the largest from
     * the decoded source. Workers are kept largest first (H.264 before the other codecs at one
     * size), so that at the end each one finishes (and hands on its last pictures) before the
     * rungs it feeds are told to stop.
     */
    private void chainScaling() {
        workers.sort(Comparator.comparingInt((RungWorker w) -> w.rung().height()).reversed());
        for (int i = 0; i < workers.size(); i++) {
            RungWorker worker = workers.get(i);
            Rung rung = worker.rung();
            List<RungWorker> earlier = workers.subList(0, i);
            Optional<RungWorker> twin = earlier.stream()
                    .filter(w -> w.rung().width() == rung.width() && w.rung().height() == rung.height())
                    .findFirst();
            Optional<RungWorker> larger = earlier.stream()
                    .filter(w -> w.rung().height() > rung.height() && w.rung().width() >= rung.width())
                    .reduce((bigger, smaller) -> smaller.rung().height() < bigger.rung().height() ? smaller : bigger);
            twin.or(() -> larger).ifPresentOrElse(feeder -> feeder.feed(worker), () -> scaledFromSource.add(worker));
        }
    }

    /** Whether any rung is encoded here; without one, decoded pictures go to the taps only. */
    boolean encodes() {
        return !workers.isEmpty();
    }

    void start() {
        workers.forEach(RungWorker::start);
    }

    /** Hands a decoded picture (kept by the caller) to the taps and to the rungs scaled from the source. */
    void offer(AVFrame frame, boolean keyframe, long index, boolean mayDrop) throws InterruptedException {
        for (TapWorker tap : taps) {
            tap.offer(frame);
        }
        for (RungWorker worker : scaledFromSource) {
            worker.offer(frame, keyframe, index, mayDrop);
        }
    }

    /**
     * The end of the stream: every tap and rung finishes (largest rung first) and is waited for.
     * An interrupt does not cut this short (a rung never told to end would wait forever); it is
     * passed on once all are done.
     */
    void finish() {
        boolean interrupted = false;
        for (TapWorker tap : taps) {
            interrupted |= finishing(tap::finish);
        }
        // One deadline for all: a stuck rung costs the wait once, not once per rung after it.
        long deadline = System.nanoTime() + rungEndWait.toNanos();
        for (RungWorker worker : workers) {
            interrupted |= finishing(() -> worker.finish(deadline));
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Finish {
        void run() throws InterruptedException;
    }

    /** Runs {@code finish} with the interrupt flag cleared; true when it was set or the wait was interrupted. */
    private static boolean finishing(Finish finish) {
        boolean interrupted = Thread.interrupted();
        try {
            finish.run();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        return interrupted;
    }
}
