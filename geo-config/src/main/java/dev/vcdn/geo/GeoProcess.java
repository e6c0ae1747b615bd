package dev.vcdn.geo;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessDefinition;
import dev.vcdn.shared.process.ProcessVerticle;
import java.util.Optional;

/** geo-config as the launcher sees it: not a cluster member itself (it reads the regions' clusters). */
public final class GeoProcess implements ProcessDefinition<GeoConfig> {

    @Override
    public String name() {
        return "geo";
    }

    @Override
    public GeoConfig readConfig(ConfigSource source) {
        return GeoConfig.read(source);
    }

    @Override
    public Optional<ClusterConfig> cluster(GeoConfig config) {
        return Optional.empty();
    }

    @Override
    public ProcessVerticle createRootVerticle(GeoConfig config, ProcessContext context) {
        return new GeoVerticle(config, context);
    }
}
