package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.process.ProcessLauncher;
import dev.vcdn.shared.process.RunningProcess;
import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.testing.OperationsProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EdgeProcessTest {

    private static Future<RunningProcess> startEdge() {
        EdgeProcess edge = new EdgeProcess();
        EdgeConfig config = ProcessLauncher.readConfig(edge, Optional.empty(), Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1",
                "VCDN_HTTP_PORT", "0",
                "VCDN_CLUSTER_NAME", "test-" + UUID.randomUUID(),
                "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next())));
        return ProcessLauncher.start(edge, config);
    }

    @Test
    void startsOnAnEphemeralPortAndServesOperationsEndpoints(Vertx vertx, VertxTestContext test) {
        startEdge()
                .compose(running -> OperationsProbe.check(vertx, running, "edge", "vcdn_edge_responses_total{code=\"200\"").eventually(running::stop))
                .onComplete(test.succeedingThenComplete());
    }

    @Test
    void servesThePlayerPagesFromThePlayerJar(Vertx vertx, VertxTestContext test) {
        WebClient client = WebClient.create(vertx);
        startEdge()
                .compose(running -> client.get(running.port("http"), "127.0.0.1", "/").send().eventually(running::stop))
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.getHeader("Content-Type")).startsWith("text/html");
                    assertThat(response.bodyAsString()).contains("<title>Live channels</title>");
                    test.completeNow();
                })));
    }
}
