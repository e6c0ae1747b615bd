package dev.vcdn.origin.transcode.tap;

import dev.vcdn.origin.pipeline.PublishGrant;
import java.util.Optional;

/**
 * A consumer of a stream's decoded pictures beside the ladder: thumbnails, and plug-ins such as
 * transcription or image detection found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/dev.vcdn.origin.transcode.tap.FrameTap}). Each session runs on its
 * own thread and gets the newest frame when it is ready for one, so a slow tap skips frames and
 * never slows the ladder.
 */
public interface FrameTap {

    /** Called when a stream's ladder starts; empty when this tap has nothing to do for it. */
    Optional<FrameTapSession> open(PublishGrant grant);
}
