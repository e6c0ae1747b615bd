package dev.vcdn.world;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One process of the world: started with its environment, its output passed on with its name in
 * front, its start line read for the ports it bound, stopped with SIGTERM (then SIGKILL).
 */
final class Child {

    private static final Pattern STARTED = Pattern.compile(" started in \\d+ ms: (.*)$");
    private static final Pattern ENDPOINT = Pattern.compile("(\\w[\\w-]*)=\\S+:(\\d+)");

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
                Matcher m = STARTED.matcher(line);
                if (m.find()) {
                    Map<String, Integer> ports = new LinkedHashMap<>();
                    Matcher endpoint = ENDPOINT.matcher(m.group(1));
                    while (endpoint.find()) {
                        ports.put(endpoint.group(1), Integer.parseInt(endpoint.group(2)));
                    }
                    started.complete(ports);
                }
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
