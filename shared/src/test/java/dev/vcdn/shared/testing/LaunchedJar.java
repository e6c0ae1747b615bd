package dev.vcdn.shared.testing;

import dev.vcdn.shared.process.StartLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process jar started as a user would ({@code java -jar X.jar}), with its output collected so
 * tests can wait for the start line and read the ports it names.
 */
public final class LaunchedJar implements AutoCloseable {

    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;
    private final CompletableFuture<Map<String, Integer>> started = new CompletableFuture<>();

    private LaunchedJar(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "jar-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static LaunchedJar start(Path jar, Map<String, String> env, String... args) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package first");
        }
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("VCDN_"));
        builder.environment().putAll(env);
        return new LaunchedJar(builder.start());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                System.out.println("    | " + line);
                StartLine.endpoints(line).ifPresent(started::complete);
            }
        } catch (IOException ignored) {
            // The process ended.
        }
        started.completeExceptionally(new IllegalStateException("process ended without a start line"));
    }

    /** Waits for the "started" line and returns its endpoints, e.g. {@code http -> 41233}. */
    public Map<String, Integer> awaitStarted(Duration timeout) throws InterruptedException {
        try {
            return started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no start line (" + e.getMessage() + "):\n" + output());
        }
    }

    /** Sends SIGTERM and waits for the exit; returns the exit status. */
    public int terminate(Duration timeout) throws InterruptedException {
        // Process.destroy() would also close our end of its output, losing what it logs while stopping.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("still running " + timeout + " after SIGTERM:\n" + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("did not exit within " + timeout + ":\n" + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
