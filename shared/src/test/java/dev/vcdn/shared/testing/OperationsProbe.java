package dev.vcdn.shared.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.process.RunningProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;

/** Asks a running process for {@code /health}, {@code /ready} and {@code /metrics} and checks the answers. */
public final class OperationsProbe {

    private OperationsProbe() {
    }

    /** Succeeds when all three endpoints answer as every process must; fails with the assertion otherwise. */
    public static Future<Void> check(Vertx vertx, RunningProcess process, String processName) {
        return check(vertx, process, processName, "vertx_http_server_requests_total");
    }

    /** As {@link #check(Vertx, RunningProcess, String)}, for a process that counts its HTTP answers in {@code requestsMetric}. */
    public static Future<Void> check(Vertx vertx, RunningProcess process, String processName, String requestsMetric) {
        WebClient client = WebClient.create(vertx);
        int port = process.port("http");
        return get(client, port, "/health")
                .map(health -> {
                    assertThat(health.statusCode()).isEqualTo(200);
                    assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("up");
                    assertThat(health.bodyAsJsonObject().getString("process")).isEqualTo(processName);
                    return null;
                })
                .compose(ignored -> get(client, port, "/ready"))
                .map(ready -> {
                    assertThat(ready.statusCode()).as("/ready: %s", ready.bodyAsString()).isEqualTo(200);
                    assertThat(ready.getHeader("Cache-Control")).isEqualTo("no-store");
                    return null;
                })
                .compose(ignored -> get(client, port, "/metrics"))
                .map(metrics -> {
                    assertThat(metrics.statusCode()).isEqualTo(200);
                    assertThat(metrics.bodyAsString())
                            .contains("vcdn_build_info{process=\"" + processName + "\"")
                            .contains("jvm_memory_used_bytes")
                            .contains(requestsMetric);
                    return (Void) null;
                })
                .onComplete(ignored -> client.close());
    }

    private static Future<HttpResponse<Buffer>> get(WebClient client, int port, String path) {
        return client.get(port, "127.0.0.1", path).send();
    }
}
