package dev.vcdn.origin.transcode.tap;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;

import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.ffmpeg.Scaler;
import java.time.Duration;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
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
        private Scaler scaler;
        private AVCodecContext encoder;
        private AVPacket packet;
        private int height;

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
            if (encoder == null || targetHeight != height) {
                freeEncoder();
                open(targetHeight);
            }
            AVFrame small = scaler.scale(frame);
            try {
                small.color_range(AVCOL_RANGE_JPEG);
                Ffmpeg.check(avcodec_send_frame(encoder, small), "avcodec_send_frame(mjpeg)");
                int result = avcodec_receive_packet(encoder, packet);
                Ffmpeg.check(result, "avcodec_receive_packet(mjpeg)");
                byte[] jpeg = new byte[packet.size()];
                packet.data().get(jpeg);
                store.put(grant.channel(), jpeg);
            } finally {
                av_packet_unref(packet);
            }
        }

        private void open(int targetHeight) {
            AVCodec codec = avcodec_find_encoder_by_name("mjpeg");
            if (codec == null || codec.isNull()) {
                throw new FfmpegException("no mjpeg encoder");
            }
            height = targetHeight;
            scaler = new Scaler(WIDTH, targetHeight, AV_PIX_FMT_YUVJ420P, SWS_BILINEAR);
            encoder = avcodec_alloc_context3(codec);
            packet = av_packet_alloc();
            encoder.width(WIDTH).height(targetHeight).pix_fmt(AV_PIX_FMT_YUVJ420P).time_base(av_make_q(1, 1000))
                    .color_range(AVCOL_RANGE_JPEG).qmin(2).qmax(8);
            Ffmpeg.check(avcodec_open2(encoder, codec, (AVDictionary) null), "avcodec_open2(mjpeg)");
        }

        private void freeEncoder() {
            if (scaler != null) {
                scaler.close();
                scaler = null;
            }
            if (packet != null) {
                av_packet_free(packet);
                packet = null;
            }
            if (encoder != null) {
                avcodec_free_context(encoder);
                encoder = null;
            }
        }

        @Override
        public void close() {
            freeEncoder();
            store.remove(grant.channel());
        }
    }
}
