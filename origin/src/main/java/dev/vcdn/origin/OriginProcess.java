package dev.vcdn.origin;

import dev.vcdn.shared.config.ClusterConfig;
import dev.vcdn.origin.ffmpeg.FfmpegRuntime;
import dev.vcdn.origin.packager.PackagerOutput;
import dev.vcdn.origin.transcode.LadderPlanner;
import dev.vcdn.origin.transcode.Transcoder;
import dev.vcdn.origin.transcode.tap.FrameTap;
import dev.vcdn.origin.transcode.tap.ThumbnailStore;
import dev.vcdn.origin.transcode.tap.ThumbnailTap;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
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
        ThumbnailStore thumbnails = new ThumbnailStore();
        List<FrameTap> taps = new ArrayList<>(List.of(new ThumbnailTap(thumbnails)));
        ServiceLoader.load(FrameTap.class).forEach(taps::add);
        return new OriginVerticle(config, context, packages -> new Transcoder(new LadderPlanner(LadderPlanner.DEFAULT_STEPS),
                grant -> new PackagerOutput(packages, grant), taps, context.metrics(), config.hls().standard().segmentTarget()),
                thumbnails);
    }
}
