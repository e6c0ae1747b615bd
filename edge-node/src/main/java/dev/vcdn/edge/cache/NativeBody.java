package dev.vcdn.edge.cache;

import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cached body in native memory, freed as soon as nothing needs it: the cache holds it until the
 * entry leaves (and a grace after, see {@link ResponseCache}), and every send holds it from before
 * its write until the write is done or failed. Left to the garbage collector, these buffers outlived
 * their use by many minutes (their small Java objects age into the old generation, which a young
 * collection does not visit), and the edge's resident memory grew by the stream's bitrate; at the
 * direct memory limit the JDK would have run a full collection from the allocating event loop.
 *
 * <p>Counting errs on the safe side only: a send that holds and never lets go leaves the memory to
 * the garbage collector's cleaner, as before; nothing lets go more often than it held.
 */
public final class NativeBody {

    private final ByteBuffer memory;
    private final Buffer body;
    private final AtomicLong bytesHeld;
    /** The cache's hold plus one per send in flight; 0 once freed. */
    private final AtomicInteger holders = new AtomicInteger(1);

    private NativeBody(ByteBuffer memory, AtomicLong bytesHeld) {
        this.memory = memory;
        this.body = BufferInternal.buffer(Unpooled.wrappedBuffer(memory));
        this.bytesHeld = bytesHeld;
        bytesHeld.addAndGet(memory.capacity());
    }

    /**
     * A native copy of {@code heap}, held by the cache; empty when the JVM's direct memory is full
     * (-XX:MaxDirectMemorySize below what the cache holds): the heap copy serves then.
     *
     * @param bytesHeld the native bytes of every body not yet freed, kept up to date
     */
    static Optional<NativeBody> copyOf(Buffer heap, AtomicLong bytesHeld) {
        ByteBuffer memory;
        try {
            memory = ByteBuffer.allocateDirect(heap.length());
        } catch (OutOfMemoryError directMemoryFull) {
            return Optional.empty();
        }
        memory.put(((BufferInternal) heap).getByteBuf().nioBuffer()).flip();
        return Optional.of(new NativeBody(memory, bytesHeld));
    }

    Buffer body() {
        return body;
    }

    /** Holds it for one more user; false when it is freed already (its entry left the cache long ago). */
    boolean retain() {
        while (true) {
            int now = holders.get();
            if (now == 0) {
                return false;
            }
            if (holders.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** One user is done with it; the last frees the memory. */
    void release() {
        int left = holders.decrementAndGet();
        if (left == 0) {
            bytesHeld.addAndGet(-memory.capacity());
            PlatformDependent.freeDirectBuffer(memory);
        } else if (left < 0) {
            throw new IllegalStateException("a native body let go more often than it was held");
        }
    }

    public boolean freed() {
        return holders.get() == 0;
    }
}
