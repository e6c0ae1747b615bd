package dev.vcdn.shared.process;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started process: its Vert.x instance, where it listens, and how to stop it. */
public final class RunningProcess {

    private static final Logger log = LoggerFactory.getLogger(RunningProcess.class);

    private final String name;
    private final Vertx vertx;
    private final List<Endpoint> endpoints;
    private final ProcessMetrics metrics;
    private final Readiness readiness;

    RunningProcess(String name, Vertx vertx, List<Endpoint> endpoints, ProcessMetrics metrics, Readiness readiness) {
        this.name = name;
        this.vertx = vertx;
        this.endpoints = List.copyOf(endpoints);
        this.metrics = metrics;
        this.readiness = readiness;
    }

    public Vertx vertx() {
        return vertx;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public int port(String endpointName) {
        return endpoints.stream().filter(e -> e.name().equals(endpointName)).findFirst()
                .orElseThrow(() -> new NoSuchElementException(name + " has no endpoint " + endpointName))
                .port();
    }

    /**
     * Reports not-ready, then closes Vert.x: verticles stop (servers close, streams free their
     * native objects) and the node leaves its cluster.
     */
    public Future<Void> stop() {
        long started = System.nanoTime();
        readiness.startDraining();
        log.info("{} stopping", name);
        return vertx.close()
                .onComplete(ignored -> metrics.close())
                .onSuccess(ignored -> log.info("{} stopped in {} ms", name, (System.nanoTime() - started) / 1_000_000))
                .onFailure(error -> log.warn("{} stopped with an error: {}", name, error.toString()));
    }
}
