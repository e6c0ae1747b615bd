package dev.vcdn.origin;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.origin.ffmpeg.FfmpegRuntime;
import dev.vcdn.origin.ingest.MeteringPipeline;
import dev.vcdn.shared.config.ConfigSource;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessDefinition;
import dev.vcdn.shared.process.ProcessVerticle;
import java.util.Optional;

/** The origin as the launcher sees it. */
public final class OriginProcess implements ProcessDefinition<OriginConfig> {

    @Override
    public String name() {
        return "origin";
    }

    @Override
    public OriginConfig readConfig(ConfigSource source) {
        return OriginConfig.read(source);
    }

    @Override
    public Optional<ClusterConfig> cluster(OriginConfig config) {
        return Optional.of(config.cluster());
    }

    @Override
    public OriginConfig prepare(OriginConfig config) {
        FfmpegRuntime.load();
        return config.withAdminToken(AdminToken.resolve(config));
    }

    @Override
    public ProcessVerticle createRootVerticle(OriginConfig config, ProcessContext context) {
        return new OriginVerticle(config, context, new MeteringPipeline(context.metrics()));
    }
}
