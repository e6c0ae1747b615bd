package dev.vcdn.origin.transcode.tap;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;

import dev.vcdn.origin.ffmpeg.CodecContext;
import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.NativePacket;
import dev.vcdn.origin.ffmpeg.Scaler;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** Pictures of one size as JPEG (scaled first); owned by one thread, its native objects freed by {@link #close()}. */
final class JpegEncoder implements AutoCloseable {

    private final int width;
    private final int height;
    private final Scaler scaler;
    private final CodecContext encoder;
    private final NativePacket packet;

    JpegEncoder(int width, int height) {
        this.width = width;
        this.height = height;
        scaler = new Scaler(width, height, AV_PIX_FMT_YUVJ420P, SWS_BILINEAR);
        CodecContext context = null;
        NativePacket output = null;
        try {
            context = CodecContext.encoder("mjpeg");
            output = new NativePacket();
            context.get().width(width).height(height).pix_fmt(AV_PIX_FMT_YUVJ420P).time_base(av_make_q(1, 1000))
                    .color_range(AVCOL_RANGE_JPEG).qmin(2).qmax(8);
            context.open(Map.of());
        } catch (RuntimeException e) {
            if (output != null) {
                output.close();
            }
            if (context != null) {
                context.close();
            }
            scaler.close();
            throw e;
        }
        encoder = context;
        packet = output;
    }

    boolean hasSize(int otherWidth, int otherHeight) {
        return width == otherWidth && height == otherHeight;
    }

    byte[] encode(AVFrame picture) {
        AVFrame small = scaler.scale(picture);
        small.color_range(AVCOL_RANGE_JPEG);
        AVPacket jpeg = packet.get();
        Ffmpeg.check(avcodec_send_frame(encoder.get(), small), "avcodec_send_frame(mjpeg)");
        try {
            Ffmpeg.check(avcodec_receive_packet(encoder.get(), jpeg), "avcodec_receive_packet(mjpeg)");
            byte[] bytes = new byte[jpeg.size()];
            jpeg.data().get(bytes);
            return bytes;
        } finally {
            av_packet_unref(jpeg);
        }
    }

    @Override
    public void close() {
        packet.close();
        encoder.close();
        scaler.close();
    }
}
