package dev.vcdn.origin.transcode.tap;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import dev.vcdn.origin.ffmpeg.Ffmpeg;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of one tap session, fed through a one-frame slot: the decode thread never waits,
 * and a frame the tap has not taken yet is replaced by a newer one.
 */
public final class TapWorker {

    private static final Logger log = LoggerFactory.getLogger(TapWorker.class);

    private final FrameTapSession session;
    private final long intervalMillis;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    // Guarded by lock.
    private AVFrame pending;
    private boolean finished;
    // Decode thread only.
    private long nextDue = Long.MIN_VALUE;

    public TapWorker(FrameTapSession session, String name) {
        this.session = session;
        this.intervalMillis = session.interval().toMillis();
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** From the decode thread: takes a reference to {@code frame} when the session is due for one. */
    public void offer(AVFrame frame) {
        if (frame.pts() < nextDue) {
            return;
        }
        nextDue = frame.pts() + intervalMillis;
        AVFrame reference = Ffmpeg.allocated(av_frame_clone(frame), "av_frame_clone");
        lock.lock();
        try {
            if (finished) {
                av_frame_free(reference);
                return;
            }
            if (pending != null) {
                av_frame_free(pending);
            }
            pending = reference;
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    /** From the decode thread at the end of the stream: stops the session and waits for it. */
    public void finish() throws InterruptedException {
        lock.lock();
        try {
            finished = true;
            ready.signal();
        } finally {
            lock.unlock();
        }
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }

    private void run() {
        try {
            while (true) {
                AVFrame frame = next();
                if (frame == null) {
                    return;
                }
                try {
                    session.onFrame(frame);
                } catch (RuntimeException e) {
                    log.warn("tap {} failed on a frame: {}", thread.getName(), e.toString());
                } finally {
                    av_frame_free(frame);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
            try {
                if (pending != null) {
                    av_frame_free(pending);
                    pending = null;
                }
            } finally {
                lock.unlock();
            }
            session.close();
        }
    }

    private AVFrame next() throws InterruptedException {
        lock.lock();
        try {
            while (pending == null && !finished) {
                ready.await();
            }
            AVFrame frame = pending;
            pending = null;
            return frame;
        } finally {
            lock.unlock();
        }
    }
}
