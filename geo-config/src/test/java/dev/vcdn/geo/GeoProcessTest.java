package dev.vcdn.geo;

import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.testing.OperationsProbe;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class GeoProcessTest {

    @Test
    void startsOnAnEphemeralPortAndServesOperationsEndpoints(Vertx vertx, VertxTestContext test) {
        GeoProcess geo = new GeoProcess();
        GeoConfig config = ProcessLauncher.readConfig(geo, Optional.empty(),
                Map.of("VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", "0", "VCDN_DNS_HOST", "127.0.0.1", "VCDN_DNS_PORT", "0"));
        ProcessLauncher.start(geo, config)
                .compose(running -> OperationsProbe.check(vertx, running, "geo").eventually(running::stop))
                .onComplete(test.succeedingThenComplete());
    }
}
