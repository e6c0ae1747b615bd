package dev.vcdn.shared.process;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;

/**
 * What the launcher gives a process's root verticle: its name, the metrics registry that
 * {@code /metrics} renders (Vert.x's own meters included) and the readiness that {@code /ready}
 * reports.
 */
public record ProcessContext(String processName, PrometheusMeterRegistry metrics, Readiness readiness) {

    public ProcessContext {
        Objects.requireNonNull(processName, "processName");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(readiness, "readiness");
    }
}
