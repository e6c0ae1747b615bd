package dev.vcdn.shared.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What every process jar must do from the outside: start, serve, stop on SIGTERM, refuse a bad config. */
public final class JarLifecycle {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** "Stops cleanly on SIGTERM within a few seconds". */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Exit status of a JVM that ended on SIGTERM through its shutdown hooks. */
    private static final int EXIT_ON_SIGTERM = 143;

    private JarLifecycle() {
    }

    /** Starts the jar with {@code env} (plus an ephemeral HTTP port), checks its endpoints, stops it. */
    public static void startServeAndStop(Path jar, String processName, Map<String, String> env) throws Exception {
        Map<String, String> withPort = new HashMap<>(env);
        withPort.put("VCDN_HTTP_PORT", "0");
        withPort.put("VCDN_HTTP_HOST", "127.0.0.1");
        try (LaunchedJar process = LaunchedJar.start(jar, withPort)) {
            Map<String, Integer> endpoints = process.awaitStarted(START_TIMEOUT);
            int port = endpoints.get("http");
            HttpClient client = HttpClient.newHttpClient();
            for (String path : List.of("/health", "/ready", "/metrics")) {
                // Ready may take a moment after the start line (an edge waits for its origin's access rules).
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                HttpResponse<String> response;
                do {
                    response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                            HttpResponse.BodyHandlers.ofString());
                } while (response.statusCode() != 200 && System.nanoTime() < deadline && pause());
                assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
            }
            assertThat(process.terminate(STOP_TIMEOUT)).isEqualTo(EXIT_ON_SIGTERM);
            assertThat(process.output()).contains(processName + " stopped in ");
        }
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }

    /** Starts the jar with a bad value and expects exit status 2 and one line naming {@code key}. */
    public static void refusesBadValue(Path jar, String processName, String envName, String value, String key)
            throws Exception {
        try (LaunchedJar process = LaunchedJar.start(jar, Map.of(envName, value))) {
            assertThat(process.awaitExit(START_TIMEOUT)).isEqualTo(2);
            assertThat(process.output().lines().toList())
                    .singleElement()
                    .asString()
                    .startsWith(processName + ": bad config: " + key + ": ")
                    .contains(value);
        }
    }
}
