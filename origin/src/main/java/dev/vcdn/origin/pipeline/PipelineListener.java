package dev.vcdn.origin.pipeline;

/** What a stream's pipeline tells its ingest, from a pipeline thread. */
public interface PipelineListener {

    /** For a pipeline no one listens to (a benchmark's). */
    PipelineListener IGNORED = new PipelineListener() {
        @Override
        public void ladderStarted(LadderStarted ladder) {
        }

        @Override
        public void failed(String reason) {
        }
    };

    /** The pipeline has seen the source and planned its ladder. */
    void ladderStarted(LadderStarted ladder);

    /**
     * The pipeline stopped on an error and takes nothing more: the publish must end (the encoder
     * reconnects and gets a new pipeline) rather than stay listed without output.
     */
    void failed(String reason);
}
