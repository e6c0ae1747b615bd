package dev.vcdn.world;

import dev.vcdn.shared.process.StartLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One process of the world: started with its environment, its output passed on with its name in
 * front, its start line read for the ports it bound, stopped with SIGTERM (then SIGKILL).
 */
final class Child {

    private final String name;
    private final Process process;
    private final CompletableFuture<Map<String, Integer>> started = new CompletableFuture<>();

    private Child(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::pass, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(String name, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("VCDN_"));
        builder.environment().putAll(env);
        builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        return new Child(name, builder.start());
    }

    private void pass() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[" + name + "] " + line);
                StartLine.endpoints(line).ifPresent(started::complete);
            }
        } catch (IOException ignored) {
            // The process ended.
        }
        started.completeExceptionally(new IllegalStateException(name + " ended before it started"));
    }

    /** The ports named in the start line, e.g. {@code http -> 8081}. */
    Map<String, Integer> awaitStarted(Duration timeout) throws Exception {
        return started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Process process() {
        return process;
    }

    /** SIGTERM, and SIGKILL for whatever is left after {@code grace}; waits for the exit either way. */
    void stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.toHandle().destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
