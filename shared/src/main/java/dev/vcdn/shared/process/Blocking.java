package dev.vcdn.shared.process;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** Waits for a future from a thread that may block: {@code main} and the shutdown hook, never an event loop. */
final class Blocking {

    private Blocking() {
    }

    static <T> T await(Future<T> future, Duration timeout) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        future.onComplete(value -> {
            result.set(value);
            done.countDown();
        }, error -> {
            failure.set(error);
            done.countDown();
        });
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("not done within " + timeout.toMillis() + " ms");
        }
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
        return result.get();
    }
}
