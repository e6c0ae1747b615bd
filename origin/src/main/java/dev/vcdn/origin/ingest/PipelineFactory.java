package dev.vcdn.origin.ingest;

import dev.vcdn.origin.auth.PublishGrant;

/** Starts the media pipeline of a stream that has just been accepted. */
@FunctionalInterface
public interface PipelineFactory {

    MediaSink start(PublishGrant grant);
}
