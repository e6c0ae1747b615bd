package dev.vcdn.origin.pipeline;

import dev.vcdn.origin.pipeline.PublishGrant;

/** Starts the media pipeline of a stream that has just been accepted. */
@FunctionalInterface
public interface PipelineFactory {

    /**
     * @param listener told, from a pipeline thread, the source's picture and which video
     *                 renditions the stream got once the ladder is planned, and a failure
     */
    MediaSink start(PublishGrant grant, PipelineListener listener);
}
