package dev.vcdn.edge;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessDefinition;
import dev.vcdn.shared.process.ProcessVerticle;
import java.util.Optional;

/** The edge node as the launcher sees it: always a member of its region's cluster. */
public final class EdgeProcess implements ProcessDefinition<EdgeConfig> {

    @Override
    public String name() {
        return "edge";
    }

    @Override
    public EdgeConfig readConfig(ConfigSource source) {
        return EdgeConfig.read(source);
    }

    @Override
    public Optional<ClusterConfig> cluster(EdgeConfig config) {
        return Optional.of(config.cluster());
    }

    /**
     * As many threads as viewer-facing loops: the core shares one of them, so hand-offs between it and
     * the viewer loops do not add a thread to every core's run queue.
     */
    @Override
    public int eventLoopThreads(EdgeConfig config) {
        return config.eventLoops();
    }

    /** Viewers make thousands of requests a second: the edge counts its answers itself ({@code vcdn_edge_responses_total}). */
    @Override
    public boolean httpServerMetrics() {
        return false;
    }

    @Override
    public ProcessVerticle createRootVerticle(EdgeConfig config, ProcessContext context) {
        return new EdgeVerticle(config, context);
    }
}
