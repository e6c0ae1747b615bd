package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_is_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Scales decoded frames to one size and pixel format (4:2:0 for the encoders). Owned by that rung's thread; rebuilds its
 * context when the source size or format changes (a publisher may change resolution).
 */
public final class Scaler implements AutoCloseable {

    private final int width;
    private final int height;
    private final int format;
    private final int algorithm;
    private SwsContext context;
    /**
     * Reused for every picture while no one else holds it: the encoders copy what they are sent,
     * so fresh buffers (and page faults) are needed only when a smaller rung still has the last one.
     */
    private AVFrame target;
    private int sourceWidth;
    private int sourceHeight;
    private int sourceFormat = -1;

    public Scaler(int width, int height) {
        this(width, height, AV_PIX_FMT_YUV420P, SWS_BILINEAR);
    }

    /**
     * @param format    the target pixel format ({@code AV_PIX_FMT_*})
     * @param algorithm the swscale algorithm ({@code SWS_BILINEAR}, {@code SWS_BICUBIC}, ...)
     */
    public Scaler(int width, int height, int format, int algorithm) {
        this.width = width;
        this.height = height;
        this.format = format;
        this.algorithm = algorithm;
    }

    /**
     * The scaled picture, with the source's timestamps, in a frame this scaler owns and reuses:
     * valid until the next call, never freed by the caller. A source that already has the size
     * and format comes back itself, untouched and still the caller's.
     */
    public AVFrame scale(AVFrame source) {
        if (source.width() == width && source.height() == height && source.format() == format) {
            return source;
        }
        if (context == null || source.width() != sourceWidth || source.height() != sourceHeight
                || source.format() != sourceFormat) {
            reset(source);
        }
        if (target == null) {
            target = Ffmpeg.allocated(av_frame_alloc(), "av_frame_alloc");
        }
        // A rung fed by this picture may still hold the last one: then a fresh buffer (no copy of the old).
        if (target.buf(0) == null || av_frame_is_writable(target) == 0) {
            av_frame_unref(target);
            target.width(width).height(height).format(format);
            Ffmpeg.check(av_frame_get_buffer(target, 0), "av_frame_get_buffer");
        }
        Ffmpeg.check(sws_scale_frame(context, target, source), "sws_scale_frame");
        target.pts(source.pts());
        target.duration(source.duration());
        return target;
    }

    private void reset(AVFrame source) {
        freeContext();
        context = sws_getContext(source.width(), source.height(), source.format(), width, height, format,
                algorithm, null, null, (DoublePointer) null);
        if (context == null || context.isNull()) {
            throw new FfmpegException("sws_getContext refused " + source.width() + "x" + source.height() + " format "
                    + source.format() + " -> " + width + "x" + height);
        }
        sourceWidth = source.width();
        sourceHeight = source.height();
        sourceFormat = source.format();
    }

    private void freeContext() {
        if (context != null) {
            sws_freeContext(context);
            context = null;
        }
    }

    @Override
    public void close() {
        freeContext();
        if (target != null) {
            av_frame_free(target);
            target = null;
        }
    }
}
