package dev.vcdn.shared.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StartLineTest {

    @Test
    void theStartLineNamesEveryBoundPort() {
        String line = "2026-11-24T07:52:09Z INFO [main] d.v.s.p.ProcessLauncher - geo 0.1.0 started in 348 ms: "
                + "http=127.0.0.1:44303, dns=127.0.0.1:39384, cluster=vcdn-edge-eu@[::1]:5801";
        assertThat(StartLine.endpoints(line)).contains(Map.of("http", 44303, "dns", 39384, "cluster", 5801));
        assertThat(StartLine.endpoints("origin stopped in 37 ms")).isEmpty();
    }
}
