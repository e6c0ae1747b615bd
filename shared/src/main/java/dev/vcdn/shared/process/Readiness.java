package dev.vcdn.shared.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Whether this node should receive traffic: every registered condition holds and the node is
 * not draining. Conditions are cheap reads of state kept elsewhere (cluster joined, upstream
 * reachable); they run on the event loop when {@code /ready} is asked.
 */
public final class Readiness {

    private final Map<String, BooleanSupplier> conditions = new ConcurrentHashMap<>();
    private volatile boolean draining;

    /** Adds a named condition; {@code /ready} lists the names of those that do not hold. */
    public void require(String name, BooleanSupplier condition) {
        conditions.put(name, condition);
    }

    /** From now on {@code /ready} answers 503 so that load balancers and geo-DNS move traffic away. */
    public void startDraining() {
        draining = true;
    }

    public Report report() {
        List<String> waitingFor = new ArrayList<>();
        conditions.forEach((name, condition) -> {
            if (!condition.getAsBoolean()) {
                waitingFor.add(name);
            }
        });
        waitingFor.sort(null);
        return new Report(!draining && waitingFor.isEmpty(), draining, List.copyOf(waitingFor));
    }

    public record Report(boolean ready, boolean draining, List<String> waitingFor) {
    }
}
