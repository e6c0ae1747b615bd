package dev.vcdn.shared.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    @Test
    void readyOnlyWhenEveryConditionHoldsAndNotDraining() {
        Readiness readiness = new Readiness();
        assertThat(readiness.report().ready()).isTrue();

        AtomicBoolean upstream = new AtomicBoolean(false);
        readiness.require("upstream", upstream::get);
        readiness.require("cluster", () -> true);
        assertThat(readiness.report()).isEqualTo(new Readiness.Report(false, false, java.util.List.of("upstream")));

        upstream.set(true);
        assertThat(readiness.report().ready()).isTrue();

        readiness.startDraining();
        assertThat(readiness.report()).isEqualTo(new Readiness.Report(false, true, java.util.List.of()));
    }
}
