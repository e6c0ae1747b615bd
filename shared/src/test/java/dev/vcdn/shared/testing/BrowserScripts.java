package dev.vcdn.shared.testing;

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
 * Node scripts that drive Debian's headless Chromium with playwright-core (pinned in the
 * scripts' package.json, installed from the npm registry into a folder under target/ once).
 * Without Chromium, Node.js or the other programs a test needs, it is skipped on a developer
 * machine and fails in CI, which installs them all.
 */
public final class BrowserScripts {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Path check;

    private BrowserScripts(Path check) {
        this.check = check;
    }

    /**
     * Checks for Chromium, Node.js and {@code programs}, copies {@code files} from {@code sources}
     * to {@code check} and installs their packages there.
     */
    public static BrowserScripts prepare(Path sources, Path check, List<String> files, List<Path> programs) throws Exception {
        List<Path> needed = new ArrayList<>(programs);
        needed.add(CHROMIUM);
        for (Path program : needed) {
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
        Files.createDirectories(check);
        for (String file : files) {
            Files.copy(sources.resolve(file), check.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        // Installed again when the pinned packages changed since the last install here.
        Path installedLock = check.resolve("node_modules/.installed-package-lock.json");
        byte[] lock = Files.readAllBytes(check.resolve("package-lock.json"));
        if (!Files.exists(installedLock) || !java.util.Arrays.equals(Files.readAllBytes(installedLock), lock)) {
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(check.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(install.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(install.exitValue()).as(output).isZero();
            Files.write(installedLock, lock);
        }
        return new BrowserScripts(check);
    }

    /** Starts {@code node SCRIPT ARGS...} in the check folder, output and errors together. */
    public Process start(String script, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).directory(check.toFile()).redirectErrorStream(true).start();
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
