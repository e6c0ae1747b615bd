package dev.vcdn.origin.packager;

import dev.vcdn.origin.pipeline.RenditionInfo;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/** One broadcast being recorded. Told on the packages' event loop; must never block or slow it. */
public interface Recording {

    Recording NONE = new Recording() {
        @Override
        public void segment(RenditionInfo rendition, CompletedSegment segment) {
        }

        @Override
        public void ended(Instant at) {
        }

        @Override
        public void left() {
        }
    };

    /**
     * A segment with media is complete: the bytes viewers got under its URL.
     *
     * @param msn             its number in the live playlists
     * @param discontinuity   its discontinuity sequence number
     * @param map             the name of the init segment it is played with ({@code init-42.mp4})
     * @param init            that init segment
     */
    record CompletedSegment(long msn, Instant programDateTime, long durationMillis, long discontinuity, String map,
                            Buffer init, Buffer bytes) {
    }

    void segment(RenditionInfo rendition, CompletedSegment segment);

    /** The broadcast ended (after its reconnect grace): nothing more comes. */
    void ended(Instant at);

    /** Another origin goes on with the broadcast, and with its recording: nothing more comes here. */
    void left();
}
