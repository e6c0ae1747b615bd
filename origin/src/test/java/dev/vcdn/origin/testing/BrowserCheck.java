package dev.vcdn.origin.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The scripts in src/test/hlsjs that drive Debian's headless Chromium with playwright-core
 * (pinned there, installed from the npm registry into target/hlsjs-check once). Without Chromium
 * or Node.js a test is skipped on a developer machine and fails in CI, which installs both.
 */
public final class BrowserCheck {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SOURCES = Path.of("src/test/hlsjs");
    private static final Path CHECK = Path.of("target/hlsjs-check");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "play.mjs", "whip.mjs");

    private BrowserCheck() {
    }

    /** Checks for Chromium, ffmpeg and Node.js, copies the scripts and installs their packages. */
    public static void prepare() throws Exception {
        for (Path program : List.of(CHROMIUM, Path.of("/usr/bin/ffmpeg"))) {
            if (System.getenv("CI") != null) {
                assertThat(program).as("installed by .ci/run").isExecutable();
            } else {
                assumeThat(program).as("install it from Debian to run this test").isExecutable();
            }
        }
        boolean hasNode;
        try {
            hasNode = new ProcessBuilder("npm", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            hasNode = false;
        }
        if (System.getenv("CI") != null) {
            assertThat(hasNode).as("node and npm, installed by .ci/run").isTrue();
        } else {
            assumeThat(hasNode).as("install Node.js and npm to run this test").isTrue();
        }
        Files.createDirectories(CHECK);
        for (String file : FILES) {
            Files.copy(SOURCES.resolve(file), CHECK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(CHECK.resolve("node_modules/playwright-core"))) {
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(CHECK.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(install.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(install.exitValue()).as(output).isZero();
        }
    }

    /** Starts {@code node SCRIPT ARGS...} in the check directory, output and errors together. */
    public static Process start(String script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).directory(CHECK.toFile()).redirectErrorStream(true).start();
    }

    /** Waits for a script started by {@link #start} and returns the last JSON line it printed. */
    public static JsonObject result(Process node, int timeoutSeconds) throws IOException, InterruptedException {
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        String json = output.lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no result from the browser:\n" + output));
        return new JsonObject(json);
    }
}
