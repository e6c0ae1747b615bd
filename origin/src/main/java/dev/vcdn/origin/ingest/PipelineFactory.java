package dev.vcdn.origin.ingest;

import dev.vcdn.origin.auth.PublishGrant;
import java.util.function.Consumer;

/** Starts the media pipeline of a stream that has just been accepted. */
@FunctionalInterface
public interface PipelineFactory {

    /**
     * @param ladderReady told, from a pipeline thread, the source's picture and which video
     *                    renditions the stream got, once the pipeline has seen the source and
     *                    planned its ladder
     */
    MediaSink start(PublishGrant grant, Consumer<LadderStarted> ladderReady);
}
