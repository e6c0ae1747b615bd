package dev.vcdn.shared.process;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.config.ConfigException;
import dev.vcdn.shared.config.ConfigSource;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a process the same way for origin, edge and geo: command line, config, metrics,
 * (clustered) Vert.x, the root verticle, one log line with the ports, and a clean stop on SIGTERM.
 */
public final class ProcessLauncher {

    private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);

    /** Exit status for a bad command line or config, so supervisors do not restart in a loop. */
    public static final int EXIT_BAD_CONFIG = 2;
    public static final int EXIT_START_FAILED = 1;
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private ProcessLauncher() {
    }

    /** The body of a process's {@code main}: returns once started, or exits the JVM. */
    public static <C> void main(ProcessDefinition<C> definition, String[] args) {
        // Hazelcast reads this before it reads its config; without it its first lines go to JUL.
        System.setProperty("hazelcast.logging.type", "slf4j");
        String name = definition.name();
        String configEnv = "VCDN_" + name.toUpperCase(java.util.Locale.ROOT) + "_CONFIG";
        C config;
        try {
            CommandLine commandLine = CommandLine.parse(args);
            if (commandLine.help()) {
                System.out.println(CommandLine.usage(name, configEnv));
                return;
            }
            Map<String, String> env = System.getenv();
            Optional<Path> file = commandLine.configFile()
                    .or(() -> Optional.ofNullable(env.get(configEnv)).filter(s -> !s.isBlank()).map(Path::of));
            config = readConfig(definition, file, env);
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": " + e.getMessage());
            System.err.println(CommandLine.usage(name, configEnv));
            System.exit(EXIT_BAD_CONFIG);
            return;
        } catch (ConfigException e) {
            System.err.println(name + ": bad config: " + e.getMessage());
            System.exit(EXIT_BAD_CONFIG);
            return;
        }

        // The hook is in place before anything starts: a SIGTERM that arrives during the start
        // still stops whatever has started.
        Future<RunningProcess> starting = start(definition, config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Blocking.await(starting.transform(started -> started.succeeded()
                        ? started.result().stop()
                        : Future.succeededFuture()), STOP_TIMEOUT);
            } catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", name, e.toString());
            }
        }, name + "-shutdown"));
        try {
            Blocking.await(starting, START_TIMEOUT);
        } catch (Exception e) {
            log.error("{} failed to start: {}", name, e.toString(), e);
            System.exit(EXIT_START_FAILED);
        }
    }

    /** Reads and checks the whole config (unknown keys included), then runs the process's one-time preparation. */
    public static <C> C readConfig(ProcessDefinition<C> definition, Optional<Path> file, Map<String, String> env) {
        ConfigSource source = file.map(path -> ConfigSource.load(path, env))
                .orElseGet(() -> ConfigSource.ofEnvironment(env));
        C config = definition.readConfig(source);
        source.requireNoUnknownKeys();
        return definition.prepare(config);
    }

    /** Starts the process in this JVM; tests use this directly. */
    public static <C> Future<RunningProcess> start(ProcessDefinition<C> definition, C config) {
        long started = System.nanoTime();
        String name = definition.name();
        ProcessMetrics metrics = new ProcessMetrics(name, version());
        Readiness readiness = new Readiness();
        VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
                .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE,
                        Label.POOL_NAME, Label.NAMESPACE)));
        if (!definition.httpServerMetrics()) {
            ((MicrometerMetricsOptions) options.getMetricsOptions()).addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
        }
        if (definition.eventLoopThreads(config) > 0) {
            options.setEventLoopPoolSize(definition.eventLoopThreads(config));
        }
        VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(metrics.registry()));
        Optional<ClusterConfig> cluster = definition.cluster(config);

        Future<Vertx> vertxStarted;
        if (cluster.isPresent()) {
            options.getEventBusOptions().setHost(cluster.get().host()).setClusterPublicHost(cluster.get().host()).setPort(0);
            ClusterManager clusterManager = new HazelcastClusterManager(Clustering.hazelcastConfig(cluster.get()));
            readiness.require("cluster", clusterManager::isActive);
            Gauge.builder("vcdn.cluster.members", () -> clusterManager.isActive() ? clusterManager.getNodes().size() : 0)
                    .description("Members of this node's Hazelcast cluster as this node sees them")
                    .register(metrics.registry());
            vertxStarted = builder.with(options).withClusterManager(clusterManager).buildClustered();
        } else {
            vertxStarted = Future.succeededFuture(builder.with(options).build());
        }
        return vertxStarted
                .compose(vertx -> deployRoot(definition, config, vertx, metrics, readiness))
                .onSuccess(running -> log.info("{} {} started in {} ms: {}{}", name, version(),
                        (System.nanoTime() - started) / 1_000_000,
                        running.endpoints().stream().map(Endpoint::toString).collect(Collectors.joining(", ")),
                        cluster.map(c -> ", cluster=" + c.name() + "@" + c.host() + ":" + c.port()).orElse("")))
                .onFailure(error -> metrics.close());
    }

    private static <C> Future<RunningProcess> deployRoot(ProcessDefinition<C> definition, C config, Vertx vertx,
                                                         ProcessMetrics metrics, Readiness readiness) {
        ProcessVerticle root;
        try {
            root = definition.createRootVerticle(config, new ProcessContext(definition.name(), metrics.registry(), readiness));
        } catch (RuntimeException e) {
            return closeAfterFailure(vertx, e);
        }
        return vertx.deployVerticle(root)
                .map(id -> new RunningProcess(definition.name(), vertx, root.endpoints(), metrics, readiness))
                .recover(error -> closeAfterFailure(vertx, error));
    }

    /**
     * Fails at once and closes Vert.x behind it: waiting for the close here would complete on an
     * event loop that the close itself shuts down.
     */
    private static <T> Future<T> closeAfterFailure(Vertx vertx, Throwable error) {
        vertx.close();
        return Future.failedFuture(error);
    }

    static String version() {
        String version = ProcessLauncher.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
