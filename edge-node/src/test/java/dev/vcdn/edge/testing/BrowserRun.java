package dev.vcdn.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the browser scripts with node: each line it prints that is not JSON is a request to
 * the test (STOP-PUBLISHER...), handed to {@code requests}; its last JSON line is its findings.
 */
public final class BrowserRun {

    /** What a test does when the script asks. */
    @FunctionalInterface
    public interface Requests {
        void handle(String line) throws Exception;
    }

    private BrowserRun() {
    }

    public static JsonObject run(Path directory, Requests requests, String... command) throws Exception {
        Process node = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (!line.startsWith("{")) {
                    requests.handle(line);
                }
            }
        }
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = String.join("\n", lines);
        assertThat(node.exitValue()).as(output).isZero();
        return new JsonObject(lines.stream().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result from the browser:\n" + output)));
    }
}
