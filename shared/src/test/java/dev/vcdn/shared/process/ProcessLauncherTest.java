package dev.vcdn.shared.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.config.HttpServerConfig;
import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.testing.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ProcessLauncherTest {

    /** A process with nothing but the common parts, so the launcher is tested on its own. */
    record TestConfig(HttpServerConfig http, Optional<ClusterConfig> cluster) {
    }

    static final class TestProcess implements ProcessDefinition<TestConfig> {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public TestConfig readConfig(ConfigSource source) {
            return new TestConfig(HttpServerConfig.read(source, 0), Optional.empty());
        }

        @Override
        public Optional<ClusterConfig> cluster(TestConfig config) {
            return config.cluster();
        }

        @Override
        public ProcessVerticle createRootVerticle(TestConfig config, ProcessContext process) {
            return new ProcessVerticle() {
                @Override
                public Future<?> start() {
                    return listenHttp(config.http(), OperationsRoutes.router(vertx, process), process);
                }

                @Override
                public List<Endpoint> endpoints() {
                    return httpEndpoints();
                }
            };
        }
    }

    private static TestConfig clustered(String clusterName, int port, int peerPort) {
        return new TestConfig(new HttpServerConfig("127.0.0.1", 0), Optional.of(new ClusterConfig(clusterName, "127.0.0.1",
                port, List.of("127.0.0.1:" + peerPort), Duration.ofSeconds(1), Duration.ofSeconds(5), Optional.empty())));
    }

    @Test
    void servesHealthReadyAndMetricsOnAnEphemeralPort(Vertx vertx, VertxTestContext test) {
        TestConfig config = new TestProcess().readConfig(ConfigSource.ofEnvironment(Map.of("VCDN_HTTP_HOST", "127.0.0.1")));
        WebClient client = WebClient.create(vertx);
        ProcessLauncher.start(new TestProcess(), config).compose(running -> {
            int port = running.port("http");
            return client.get(port, "127.0.0.1", "/health").send()
                    .compose(health -> client.get(port, "127.0.0.1", "/ready").send().map(ready -> List.of(health, ready)))
                    .compose(responses -> client.get(port, "127.0.0.1", "/metrics").send()
                            .map(metrics -> List.of(responses.get(0), responses.get(1), metrics)))
                    .eventually(running::stop);
        }).onComplete(test.succeeding(responses -> test.verify(() -> {
            HttpResponse<?> health = responses.get(0);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "up").put("process", "test"));
            assertThat(responses.get(1).statusCode()).isEqualTo(200);
            assertThat(responses.get(1).bodyAsJsonObject().getBoolean("ready")).isTrue();
            HttpResponse<?> metrics = responses.get(2);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.getHeader("Content-Type")).startsWith("text/plain");
            assertThat(metrics.bodyAsString())
                    .contains("vcdn_build_info{process=\"test\"")
                    .contains("jvm_memory_used_bytes")
                    .containsPattern("vertx_http_server_requests_total\\{code=\"200\",.*route=\"/health\"");
            test.completeNow();
        })));
    }

    @Test
    void clusteredProcessesFindEachOtherAndLeaveOnStop(Vertx vertx, VertxTestContext test) {
        String clusterName = "test-" + UUID.randomUUID();
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        WebClient client = WebClient.create(vertx);
        Future<RunningProcess> a = ProcessLauncher.start(new TestProcess(), clustered(clusterName, portA, portB));
        Future<RunningProcess> b = a.compose(ignored -> ProcessLauncher.start(new TestProcess(), clustered(clusterName, portB, portA)));
        b.compose(both -> Future.all(awaitMembers(vertx, client, a.result(), 2), awaitMembers(vertx, client, b.result(), 2)))
                .compose(bothSeeTwo -> b.result().stop())
                .compose(leftCluster -> awaitMembers(vertx, client, a.result(), 1))
                .eventually(() -> a.succeeded() ? a.result().stop() : Future.succeededFuture())
                .onComplete(test.succeedingThenComplete());
    }

    private static Future<Integer> membersSeenBy(WebClient client, RunningProcess process) {
        return client.get(process.port("http"), "127.0.0.1", "/metrics").send().map(response -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("vcdn_cluster_members\\{[^}]*} (\\d+)")
                    .matcher(response.bodyAsString());
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        });
    }

    /** Polls the member count until it is {@code expected}; the test context's timeout bounds it. */
    private static Future<Void> awaitMembers(Vertx vertx, WebClient client, RunningProcess process, int expected) {
        return membersSeenBy(client, process).compose(count -> count == expected
                ? Future.succeededFuture()
                : vertx.timer(100).compose(ignored -> awaitMembers(vertx, client, process, expected)));
    }
}
