package dev.vcdn.origin;

import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.testing.OperationsProbe;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class OriginProcessTest {

    @Test
    void startsOnEphemeralPortsAndServesOperationsEndpoints(Vertx vertx, VertxTestContext test, @TempDir Path dataDir) {
        OriginProcess origin = new OriginProcess();
        OriginConfig config = ProcessLauncher.readConfig(origin, Optional.empty(), Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1",
                "VCDN_HTTP_PORT", "0",
                "VCDN_DATA_DIR", dataDir.toString(),
                "VCDN_CLUSTER_NAME", "test-" + UUID.randomUUID(),
                "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next())));
        ProcessLauncher.start(origin, config)
                .compose(running -> OperationsProbe.check(vertx, running, "origin").eventually(running::stop))
                .onComplete(test.succeedingThenComplete());
    }
}
