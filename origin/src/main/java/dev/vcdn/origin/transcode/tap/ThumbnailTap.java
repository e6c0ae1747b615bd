package dev.vcdn.origin.transcode.tap;

import dev.vcdn.origin.pipeline.PublishGrant;
import java.time.Duration;
import java.util.Optional;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** A JPEG of the source every few seconds, 320 pixels wide, for the channel directory. */
public final class ThumbnailTap implements FrameTap {

    public static final int WIDTH = 320;
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    private final ThumbnailStore store;

    public ThumbnailTap(ThumbnailStore store) {
        this.store = store;
    }

    @Override
    public Optional<FrameTapSession> open(PublishGrant grant) {
        return Optional.of(new Session(grant));
    }

    private final class Session implements FrameTapSession {

        private final PublishGrant grant;
        private JpegEncoder encoder;

        Session(PublishGrant grant) {
            this.grant = grant;
        }

        @Override
        public Duration interval() {
            return INTERVAL;
        }

        @Override
        public void onFrame(AVFrame frame) {
            int targetHeight = Math.max(2, 2 * Math.round(WIDTH * frame.height() / (2f * frame.width())));
            if (encoder == null || !encoder.hasSize(WIDTH, targetHeight)) {
                closeEncoder();
                encoder = new JpegEncoder(WIDTH, targetHeight);
            }
            store.put(grant.channel(), encoder.encode(frame));
        }

        private void closeEncoder() {
            if (encoder != null) {
                encoder.close();
                encoder = null;
            }
        }

        @Override
        public void close() {
            closeEncoder();
            store.remove(grant.channel());
        }
    }
}
