package dev.vcdn.origin.pipeline;

import dev.vcdn.shared.media.MediaPacket;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over between an ingest event loop (producer) and a pipeline thread
 * (consumer), bounded in packets and in bytes. When full, {@link #offer} refuses and the
 * producer waits for {@link #whenWritable}, which fires once the queue has drained to half.
 */
public final class PacketQueue implements MediaSink {

    private final int maxPackets;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<MediaPacket> packets = new ArrayDeque<>();
    private long bytes;
    /** The latest decode time of a media frame offered (configurations carry no time of their own). */
    private long newestFrameDts = Long.MIN_VALUE;
    private boolean closed;
    private Runnable writableCallback;
    private Context writableContext;

    public PacketQueue(int maxPackets, long maxBytes) {
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean offer(MediaPacket packet) {
        lock.lock();
        try {
            if (closed) {
                return true; // the stream is ending: nothing waits for more
            }
            if (packets.size() >= maxPackets || bytes + packet.payload().size() > maxBytes) {
                return false;
            }
            packets.add(packet);
            bytes += packet.payload().size();
            if (!packet.isConfig()) {
                newestFrameDts = Math.max(newestFrameDts, packet.dts());
            }
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void whenWritable(Runnable callback) {
        Context context = Vertx.currentContext();
        lock.lock();
        try {
            if (closed || hasRoom()) {
                context.runOnContext(ignored -> callback.run());
            } else {
                writableCallback = callback;
                writableContext = context;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next packet, waiting up to {@code timeoutMillis}; empty on timeout or once closed and drained. */
    public Optional<MediaPacket> take(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (packets.isEmpty() && !closed && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            MediaPacket packet = packets.poll();
            if (packet != null) {
                bytes -= packet.payload().size();
                if (writableCallback != null && hasRoom()) {
                    Runnable callback = writableCallback;
                    writableContext.runOnContext(ignored -> callback.run());
                    writableCallback = null;
                    writableContext = null;
                }
            }
            return Optional.ofNullable(packet);
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosedAndEmpty() {
        lock.lock();
        try {
            return closed && packets.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The decode time of the newest frame offered so far: what arrives now. A pipeline fed a backlog
     * at once (a backup's kept GOP) takes its clock from this, not from the backlog's first frame.
     */
    public OptionalLong newestFrameDts() {
        lock.lock();
        try {
            return newestFrameDts == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(newestFrameDts);
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return packets.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean hasRoom() {
        return packets.size() <= maxPackets / 2 && bytes <= maxBytes / 2;
    }
}
