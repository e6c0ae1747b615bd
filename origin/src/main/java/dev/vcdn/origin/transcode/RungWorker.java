package dev.vcdn.origin.transcode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;

import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.Scaler;
import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.Payload;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rung's thread: scales and encodes the frames it is handed. Frames arrive as references
 * ({@code av_frame_clone}, no pixel copy) through a small bounded queue, either from the decoder
 * or, down the ladder, from the next larger rung's scaled picture: scaling 720p to 480p costs
 * far less than 1080p to 480p, and each rung hands its picture to the ones it feeds before it
 * encodes. When the rung falls behind, frames that are not keyframes are dropped (and counted);
 * keyframes always get through so segment boundaries stay aligned across rungs.
 *
 * <p>A failure (the scaler or the encoder throws, or the rung stops taking pictures for
 * {@value #STALL_SECONDS} s) costs this rung only: it tells the output its rendition is down
 * (players move to the others), frees its scaler and encoder, keeps handing pictures to the rungs
 * it feeds, reports every segment boundary it has nothing for (its time becomes a gap, so its
 * segments stay aligned with the others'), and opens new ones at the first keyframe after a
 * back-off that doubles with each failure in a row; after {@value #MAX_FAILURES_IN_A_ROW} it stays
 * down. A rung whose output refuses it (packaging failed for good) stops encoding. Everything
 * native here is owned by this thread and freed by it, the rendition ended by it too.
 */
final class RungWorker {

    private static final Logger log = LoggerFactory.getLogger(RungWorker.class);
    static final int QUEUE_FRAMES = 8;
    /** Media time before the first restart; each further failure in a row doubles it, up to {@link #MAX_RETRY_MILLIS}. */
    static final long FIRST_RETRY_MILLIS = 1_000;
    static final long MAX_RETRY_MILLIS = 30_000;
    static final int MAX_FAILURES_IN_A_ROW = 6;
    /** Media time a restarted rung must run for its failures to be forgotten. */
    static final long HEALTHY_MILLIS = 60_000;
    /** A keyframe the rung does not take within this long: it is stalled, and not waited for any more. */
    static final long STALL_SECONDS = 5;
    /** Keyframes remembered while the rung is stalled (the boundaries its gap must cover). */
    static final int MAX_MISSED_KEYFRAMES = 64;
    /** How long the end of the stream waits for the rungs to finish, all together. */
    static final Duration END_WAIT = Duration.ofSeconds(20);
    private static final Item END = new Item(null, false, 0, false, false);

    /**
     * A frame to scale and encode; {@code index} counts the source's frames, {@code mayDrop} says
     * whether it may be skipped, {@code afterStall} that keyframes were missed before it.
     */
    private record Item(AVFrame frame, boolean keyframe, long index, boolean mayDrop, boolean afterStall) {
    }

    private final Rung rung;
    private final String stream;
    private final LadderOutput output;
    private final RungEncoder.Factory encoders;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
    private final Thread thread;
    private final Counter framesIn;
    private final Counter framesDropped;
    private final Counter failures;
    private final Timer encodeTime;
    private final DistributionSummary queueDepth;
    private final boolean halfRate;
    /** The smaller rungs scaled from this one's picture; set before the thread starts. */
    private final List<RungWorker> feeds = new ArrayList<>();
    /**
     * Whether this rung takes its pictures from another rung (scaled, or as they are at the same
     * size) rather than from the source; set before the thread starts.
     */
    private boolean fedByRung;
    /** Set by the rung's thread as it exits: frames offered later are not queued. */
    private volatile boolean exited;
    /** Set by the feeding thread when a keyframe was not taken in time, cleared when one is taken again. */
    private volatile boolean stalled;
    /** Times of the keyframes missed while stalled: written by the feeding thread, read by this rung's. */
    private final Queue<Long> missedKeyframes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger missedCount = new AtomicInteger();

    // Rung thread only.
    private Scaler scaler;
    private RungEncoder encoder;
    private int failuresInARow;
    private boolean givenUp;
    private long failedAtPts;
    private long retryAtPts = Long.MIN_VALUE;
    private long openedAtPts;
    private boolean refused;

    /** @param halfRate the rung runs at half the source's frame rate (every other frame, and every keyframe) */
    RungWorker(Rung rung, String stream, LadderOutput output, RungEncoder.Factory encoders, MeterRegistry metrics,
               boolean halfRate) {
        this.rung = rung;
        this.halfRate = halfRate;
        this.stream = stream;
        this.output = output;
        this.encoders = encoders;
        this.framesIn = Counter.builder("vcdn.transcode.frames").tag("rendition", rung.id().value())
                .description("Frames handed to a rung's encoder").register(metrics);
        this.framesDropped = Counter.builder("vcdn.transcode.frames.dropped").tag("rendition", rung.id().value())
                .description("Frames a rung skipped because it was behind").register(metrics);
        this.failures = Counter.builder("vcdn.transcode.rung.failures").tag("rendition", rung.id().value())
                .description("Times a rung's scaler or encoder failed (or it stalled) and the rung was restarted or given up")
                .register(metrics);
        this.encodeTime = Timer.builder("vcdn.transcode.encode").tag("rendition", rung.id().value())
                .description("Scaling and encoding time per frame").register(metrics);
        this.queueDepth = DistributionSummary.builder("vcdn.transcode.queue.depth").tag("rendition", rung.id().value())
                .description("Frames waiting for a rung when the decoder hands it one (limit " + QUEUE_FRAMES + ")")
                .register(metrics);
        this.thread = new Thread(this::run, "rung-" + stream + "-" + rung.id());
    }

    Rung rung() {
        return rung;
    }

    /** This rung's scaled picture becomes {@code smaller}'s source. Before {@link #start()}. */
    void feed(RungWorker smaller) {
        feeds.add(smaller);
        smaller.fedByRung = true;
    }

    void start() {
        thread.start();
    }

    /**
     * Hands frame {@code index} of the source over (a new reference; the caller keeps its own),
     * unless this rung skips it (half rate). Called from the decode thread or the feeding rung's.
     * Blocks for keyframes (so segment boundaries stay aligned across rungs), and for every frame
     * when {@code mayDrop} is false (catching up on held frames rather than falling behind live),
     * but never longer than {@value #STALL_SECONDS} s: a rung that takes no keyframe for that long
     * is stalled, and gets nothing until it takes one again.
     */
    void offer(AVFrame frame, boolean keyframe, long index, boolean mayDrop) throws InterruptedException {
        if (exited || (halfRate && !keyframe && index % 2 != 0)) {
            return;
        }
        if (stalled) {
            if (!keyframe || !queued(frame, true, index, mayDrop, true, 0)) {
                if (keyframe) {
                    missed(frame.pts());
                }
                framesDropped.increment();
            } else {
                stalled = false;
            }
            return;
        }
        queueDepth.record(queue.size());
        boolean waits = keyframe || !mayDrop;
        if (!queued(frame, keyframe, index, mayDrop, false, waits ? STALL_SECONDS : 0)) {
            framesDropped.increment();
            if (keyframe) {
                stalled = true;
                missed(frame.pts());
                log.warn("rung stalled: stream={} rendition={} took no keyframe for {} s; it goes on without", stream,
                        rung.id(), STALL_SECONDS);
            }
        }
    }

    private boolean queued(AVFrame frame, boolean keyframe, long index, boolean mayDrop, boolean afterStall, long waitSeconds)
            throws InterruptedException {
        AVFrame reference = Ffmpeg.allocated(av_frame_clone(frame), "av_frame_clone");
        Item item = new Item(reference, keyframe, index, mayDrop, afterStall);
        boolean queued = waitSeconds > 0 ? queue.offer(item, waitSeconds, TimeUnit.SECONDS) : queue.offer(item);
        if (!queued) {
            av_frame_free(reference);
        }
        return queued;
    }

    private void missed(long pts) {
        if (missedCount.incrementAndGet() <= MAX_MISSED_KEYFRAMES) {
            missedKeyframes.add(pts);
        } else {
            missedCount.decrementAndGet();
        }
    }

    /**
     * No more frames: the rung flushes its encoder, ends its rendition and stops. Waits for that
     * until {@code deadlineNanos} ({@link System#nanoTime()}); a rung stuck in native code past it
     * is left to finish (and free what it owns) by itself.
     */
    void finish(long deadlineNanos) throws InterruptedException {
        if (!queue.offer(END, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            log.warn("rung did not take its end marker: stream={} rendition={}", stream, rung.id());
            thread.interrupt();
        }
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        if (thread.isAlive()) {
            log.error("rung thread still busy at the end of its stream: stream={} rendition={}; it ends its rendition "
                    + "when it returns", stream, rung.id());
        } else {
            freeQueued(); // what was offered as the thread exited
        }
    }

    private void run() {
        try {
            while (true) {
                Item item = queue.take();
                if (item == END) {
                    break;
                }
                try {
                    handle(item);
                } finally {
                    av_frame_free(item.frame());
                }
            }
            if (encoder != null) {
                encoder.flush(packet -> output.packet(rung.id(), packet));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("rung stopped: stream={} rendition={} error={}", stream, rung.id(), e.toString(), e);
        } finally {
            exited = true;
            try {
                closeCoders();
                freeQueued();
            } finally {
                output.renditionEnd(rung.id());
            }
        }
    }

    private void handle(Item item) throws InterruptedException {
        long started = System.nanoTime();
        AVFrame frame = item.frame();
        long pts = frame.pts();
        if (item.afterStall()) {
            recoverFromStall(pts);
        }
        if (encoder == null && !(item.keyframe() && mayOpen(pts) && open(pts))) {
            if (item.keyframe()) {
                output.skipped(rung.id(), pts); // a segment boundary this rendition has no picture for
            }
            handOn(frame, item); // the smaller rungs scale this picture themselves
            return;
        }
        framesIn.increment();
        AVFrame scaled;
        try {
            scaled = scaler.scale(frame);
        } catch (RuntimeException e) {
            failed(e, pts);
            if (item.keyframe()) {
                output.skipped(rung.id(), pts);
            }
            handOn(frame, item);
            return;
        }
        handOn(scaled, item);
        if (pts < openedAtPts) {
            openedAtPts = pts; // the source's clock went back: healthy time counts from here
        }
        try {
            encoder.encode(scaled, item.keyframe(), packet -> refused |= !output.packet(rung.id(), packet));
            if (refused) {
                giveUp("its rendition can no longer be packaged");
            } else if (failuresInARow > 0 && item.keyframe() && pts - openedAtPts >= HEALTHY_MILLIS) {
                failuresInARow = 0;
            }
        } catch (RuntimeException e) {
            failed(e, pts);
            if (item.keyframe()) {
                output.skipped(rung.id(), pts);
            }
        } finally {
            encodeTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** Whether a restart may be tried now: after the back-off, or at once when the source's clock went back. */
    private boolean mayOpen(long pts) {
        return !givenUp && (pts >= retryAtPts || pts < failedAtPts);
    }

    /** Keyframes were missed while stalled: a failure, and each missed keyframe a segment boundary of its gap. */
    private void recoverFromStall(long pts) {
        List<Long> missed = new ArrayList<>();
        Long boundary;
        while ((boundary = missedKeyframes.poll()) != null) {
            missedCount.decrementAndGet();
            missed.add(boundary);
        }
        if (encoder != null) {
            failed(new IllegalStateException("stalled for " + missed.size() + " keyframe(s)"), missed.isEmpty() ? pts : missed.get(0));
        }
        missed.forEach(missedPts -> output.skipped(rung.id(), missedPts));
        // The rungs fed from this one got no picture either: they missed the same keyframes.
        for (RungWorker smaller : feeds) {
            missed.forEach(smaller::missed);
            smaller.stalled = true;
        }
    }

    private void handOn(AVFrame picture, Item item) throws InterruptedException {
        for (RungWorker smaller : feeds) {
            smaller.offer(picture, item.keyframe(), item.index(), item.mayDrop());
        }
    }

    /** Opens the scaler and encoder and declares the rendition (again, after a failure); false when that fails. */
    private boolean open(long pts) {
        try {
            // From the source: area averaging, fewer taps than swscale's bilinear at these ratios (cheaper)
            // and sharper. From a larger rung, whose picture is already softened: bicubic, which keeps the
            // detail. PSNR against a lanczos scale of the source (1080p testsrc2): 720p 46.1 dB, 480p 47.3,
            // 360p 47.5, where bilinear from 1080p, as ffmpeg's ladders do, gives 44.7, 44.2 and 43.9.
            scaler = new Scaler(rung.width(), rung.height(), AV_PIX_FMT_YUV420P, fedByRung ? SWS_BICUBIC : SWS_AREA);
            encoder = encoders.open(rung);
            boolean taken = output.rendition(new RenditionInfo(rung.id(), MediaKind.VIDEO, rung.codec().codec(),
                    encoder.codecString(), rung.width(), rung.height(), rung.fps(), rung.bitrateKbps(), rung.maxBitrateKbps(),
                    Optional.of(encoder.configuration()).filter(c -> c.length > 0).map(Payload::copyOf)));
            if (!taken) {
                giveUp("its rendition is not taken as it is now");
                return false;
            }
            openedAtPts = pts;
            if (failuresInARow > 0) {
                log.info("rung restarted: stream={} rendition={} after {} failure(s)", stream, rung.id(), failuresInARow);
            }
            return true;
        } catch (RuntimeException e) {
            failed(e, pts);
            return false;
        }
    }

    private void failed(RuntimeException error, long pts) {
        closeCoders();
        failures.increment();
        failuresInARow++;
        failedAtPts = pts;
        if (failuresInARow >= MAX_FAILURES_IN_A_ROW) {
            givenUp = true;
            log.error("rung failed {} times in a row and stays down: stream={} rendition={} error={}", failuresInARow, stream,
                    rung.id(), error.toString(), error);
        } else {
            long backOff = Math.min(FIRST_RETRY_MILLIS << (failuresInARow - 1), MAX_RETRY_MILLIS);
            retryAtPts = pts + backOff;
            log.warn("rung failed: stream={} rendition={} error={}; restarting at the first keyframe {} ms on", stream,
                    rung.id(), error.toString(), backOff);
        }
        output.renditionDown(rung.id(), error.toString());
    }

    /** Stops encoding for good (still handing pictures on and reporting boundaries as gaps). */
    private void giveUp(String reason) {
        closeCoders();
        givenUp = true;
        log.error("rung stops encoding: stream={} rendition={} reason={}", stream, rung.id(), reason);
        output.renditionDown(rung.id(), reason);
    }

    private void closeCoders() {
        try {
            if (encoder != null) {
                encoder.close();
            }
        } finally {
            encoder = null;
            if (scaler != null) {
                scaler.close();
                scaler = null;
            }
        }
    }

    private void freeQueued() {
        Item item;
        while ((item = queue.poll()) != null) {
            if (item != END) {
                av_frame_free(item.frame());
            }
        }
    }
}
