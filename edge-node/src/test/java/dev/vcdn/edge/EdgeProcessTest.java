package dev.vcdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.access.AccessPolicy;
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

    /** An edge whose origin is a stand-in serving only the access rules (nothing private): it is ready once it has them. */
    private static Future<RunningProcess> startEdge(Vertx vertx) {
        return vertx.createHttpServer()
                .requestHandler(request -> request.response().setStatusCode(
                        request.path().equals(AccessPolicy.DOCUMENT_PATH) ? 200 : 404).end(AccessPolicy.OPEN.toJson().encode()))
                .listen(0, "127.0.0.1")
                .compose(origin -> {
                    EdgeProcess edge = new EdgeProcess();
                    EdgeConfig config = ProcessLauncher.readConfig(edge, Optional.empty(), Map.of(
                            "VCDN_HTTP_HOST", "127.0.0.1",
                            "VCDN_HTTP_PORT", "0",
                            "VCDN_ORIGIN_URL", "http://127.0.0.1:" + origin.actualPort(),
                            "VCDN_CLUSTER_NAME", "test-" + UUID.randomUUID(),
                            "VCDN_CLUSTER_PORT", Integer.toString(FreePorts.next())));
                    return ProcessLauncher.start(edge, config);
                })
                .compose(running -> awaitReady(vertx, running, 50).map(running));
    }

    private static Future<Void> awaitReady(Vertx vertx, RunningProcess running, int attemptsLeft) {
        return WebClient.create(vertx).get(running.port("http"), "127.0.0.1", "/ready").send().compose(ready -> {
            if (ready.statusCode() == 200 || attemptsLeft <= 0) {
                return Future.<Void>succeededFuture();
            }
            return vertx.timer(100).compose(ignored -> awaitReady(vertx, running, attemptsLeft - 1));
        });
    }

    @Test
    void startsOnAnEphemeralPortAndServesOperationsEndpoints(Vertx vertx, VertxTestContext test) {
        startEdge(vertx)
                .compose(running -> OperationsProbe.check(vertx, running, "edge", "vcdn_edge_responses_total{code=\"200\"").eventually(running::stop))
                .onComplete(test.succeedingThenComplete());
    }

    @Test
    void servesThePlayerPagesFromThePlayerJar(Vertx vertx, VertxTestContext test) {
        WebClient client = WebClient.create(vertx);
        startEdge(vertx)
                .compose(running -> client.get(running.port("http"), "127.0.0.1", "/").send().eventually(running::stop))
                .onComplete(test.succeeding(response -> test.verify(() -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.getHeader("Content-Type")).startsWith("text/html");
                    assertThat(response.bodyAsString()).contains("<title>Live channels</title>");
                    test.completeNow();
                })));
    }
}
