package dev.vcdn.origin.packager;

import dev.vcdn.origin.registry.BroadcastLedger;
import dev.vcdn.origin.registry.BroadcastRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the cluster's records of this origin's broadcasts (the {@link BroadcastLedger}) up to
 * date: at a broadcast's start, whenever one of its segments begins (its reserved number moves
 * on), when its publisher leaves or comes back, every few seconds to renew its time to live, and
 * gone at its end. Each broadcast's ledger operations run one after another, so they land in the
 * order they were made. A waiting broadcast checks every second whether another origin has gone
 * on with it. Event-loop owned.
 */
final class BroadcastRecorder {

    /** What the packages do when the ledger says a broadcast here is no longer this origin's. */
    interface Reactions {
        /** Its publisher came back at another origin, which goes on with it. */
        void continuedElsewhere(ChannelPackage broadcast);

        /** Another origin started a broadcast of its own on the channel: this one is over. */
        void replaced(ChannelPackage broadcast);
    }

    private static final Logger log = LoggerFactory.getLogger(BroadcastRecorder.class);
    /** How often a waiting broadcast checks that no other origin has gone on with it. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    /** How often a running broadcast's record is renewed when no segment began meanwhile. */
    static final Duration RENEW_INTERVAL = Duration.ofSeconds(5);
    /** A record outlives its last renewal by the grace and this: a publisher of a dead origin has the whole grace. */
    static final Duration SLACK = Duration.ofSeconds(15);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private static final class Tracked {
        final long timer;
        long recordedMsn = -1;
        long writtenAtNanos;
        Future<?> last = Future.succeededFuture();

        Tracked(long timer) {
            this.timer = timer;
        }
    }

    private final Vertx vertx;
    private final BroadcastLedger ledger;
    private final Duration ttl;
    private final Reactions reactions;
    private final LongSupplier nanoTime;
    private final Map<ChannelPackage, Tracked> tracked = new HashMap<>();
    private long lastWarnNanos = Long.MIN_VALUE / 2;

    /** @param grace the reconnect grace: how long a record must outlive its origin */
    BroadcastRecorder(Vertx vertx, BroadcastLedger ledger, Duration grace, Reactions reactions, LongSupplier nanoTime) {
        this.vertx = vertx;
        this.ledger = ledger;
        this.ttl = grace.plus(SLACK);
        this.reactions = reactions;
        this.nanoTime = nanoTime;
    }

    /** A broadcast starts or goes on here: its record replaces whatever the channel had. */
    void started(ChannelPackage broadcast) {
        Tracked state = new Tracked(vertx.setPeriodic(CHECK_INTERVAL.toMillis(), id -> check(broadcast)));
        tracked.put(broadcast, state);
        BroadcastRecord record = recordOf(broadcast, state);
        chain(state, () -> ledger.write(record, ttl));
    }

    /** Its publisher left, or a new one goes on with it here. */
    void changed(ChannelPackage broadcast) {
        keep(broadcast);
    }

    /** A part was added: a segment that begins moves the reserved number on, recorded at once. */
    void progressed(ChannelPackage broadcast) {
        Tracked state = tracked.get(broadcast);
        if (state != null && broadcast.reservedMsn() > state.recordedMsn) {
            keep(broadcast);
        }
    }

    /**
     * No longer this origin's to record: it ended ({@code forget}: its record goes, after what is
     * in flight), or another origin goes on with it (the record is that one's now).
     */
    void stopped(ChannelPackage broadcast, boolean forget) {
        Tracked state = tracked.remove(broadcast);
        if (state == null) {
            return;
        }
        vertx.cancelTimer(state.timer);
        if (forget) {
            BroadcastRecord record = recordOf(broadcast, state);
            chain(state, () -> ledger.remove(record));
        }
    }

    private void check(ChannelPackage broadcast) {
        Tracked state = tracked.get(broadcast);
        if (state != null && (broadcast.waiting() || nanoTime.getAsLong() - state.writtenAtNanos >= RENEW_INTERVAL.toNanos())) {
            keep(broadcast);
        }
    }

    private void keep(ChannelPackage broadcast) {
        Tracked state = tracked.get(broadcast);
        if (state == null) {
            return;
        }
        BroadcastRecord record = recordOf(broadcast, state);
        chain(state, () -> ledger.keep(record, ttl).onSuccess(other -> other.ifPresent(elsewhere -> notOurs(broadcast, elsewhere))));
    }

    private void notOurs(ChannelPackage broadcast, BroadcastRecord elsewhere) {
        if (!tracked.containsKey(broadcast)) {
            return;
        }
        if (!broadcast.waiting()) {
            // Two origins with a publisher each: the stream registry ends the one that lost its entry.
            warn("broadcast {} of {} is recorded by another origin ({}) while its publisher is here", broadcast.streamId(),
                    broadcast.channel(), elsewhere.node());
        } else if (elsewhere.broadcastId().equals(broadcast.streamId())) {
            reactions.continuedElsewhere(broadcast);
        } else {
            reactions.replaced(broadcast);
        }
    }

    private BroadcastRecord recordOf(ChannelPackage broadcast, Tracked state) {
        state.recordedMsn = broadcast.reservedMsn();
        state.writtenAtNanos = nanoTime.getAsLong();
        return ledger.recordOf(broadcast.channel(), broadcast.streamId(), broadcast.discontinuities(), state.recordedMsn,
                broadcast.waiting());
    }

    /** Runs {@code operation} after the broadcast's previous ledger operation, whatever its outcome. */
    private void chain(Tracked state, Supplier<Future<?>> operation) {
        state.last = state.last.transform(ignored -> operation.get()).onFailure(error ->
                warn("broadcast ledger not updated: {}", error.toString()));
    }

    /** At most one warning every ten seconds: with the cluster in trouble, every broadcast fails alike. */
    private void warn(String format, Object... arguments) {
        long now = nanoTime.getAsLong();
        if (now - lastWarnNanos >= WARN_EVERY_NANOS) {
            lastWarnNanos = now;
            log.warn(format, arguments);
        }
    }
}
