package dev.vcdn.origin.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down stream-key guessing: after {@code maxFailures} wrong keys from one address within
 * {@code window}, that address is refused without a lookup until the window has passed.
 * Bounded in the addresses it remembers. Used from one event loop.
 */
final class FailedAttempts {

    private static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final int maxFailures;
    private final Duration window;
    private final Map<String, Window> byAddress = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    private record Window(Instant start, int failures) {
    }

    FailedAttempts(Clock clock, int maxFailures, Duration window) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.window = window;
    }

    boolean isBlocked(String address) {
        Window current = current(address);
        return current != null && current.failures >= maxFailures;
    }

    void recordFailure(String address) {
        Window current = current(address);
        byAddress.put(address, current == null
                ? new Window(clock.instant(), 1)
                : new Window(current.start, current.failures + 1));
    }

    private Window current(String address) {
        Window current = byAddress.get(address);
        if (current != null && current.start.plus(window).isBefore(clock.instant())) {
            byAddress.remove(address);
            return null;
        }
        return current;
    }
}
