package dev.vcdn.origin.pipeline;

import dev.vcdn.shared.stream.RenditionId;
import java.util.List;

/**
 * What a pipeline tells once it has seen the source and planned the ladder: the picture as the
 * decoder found it (the only size an SRT publisher ever states) and the video renditions made.
 */
public record LadderStarted(int sourceWidth, int sourceHeight, double sourceFps, List<RenditionId> renditions) {

    public LadderStarted {
        renditions = List.copyOf(renditions);
    }
}
