package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_compare;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;

import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;

/**
 * Converts decoded audio to one sample rate, channel layout and sample format (5.1 down to
 * stereo with FFmpeg's standard matrix, 44.1 to 48 kHz, packed to planar). Owned by one thread;
 * rebuilds its context when the input changes (a publisher may change its audio mid-stream).
 */
public final class Resampler implements AutoCloseable {

    private final int sampleRate;
    private final int format;
    private final AVChannelLayout layout = new AVChannelLayout();
    private final AVChannelLayout inputLayout = new AVChannelLayout();
    private int inputRate;
    private int inputFormat = -1;
    private SwrContext context;
    /** Reused for every conversion; its samples are valid until the next call. */
    private AVFrame target;
    private boolean closed;

    /**
     * @param channels   the output's channel count, in the default layout for that count (2: stereo)
     * @param format     the output's sample format ({@code AV_SAMPLE_FMT_*})
     */
    public Resampler(int sampleRate, int channels, int format) {
        this.sampleRate = sampleRate;
        this.format = format;
        av_channel_layout_default(layout, channels);
    }

    /**
     * The samples in the output's form: the source itself when it has that form already,
     * otherwise a frame this resampler owns and reuses (never freed by the caller), which may
     * hold no samples yet while the resampler fills its delay.
     */
    public AVFrame convert(AVFrame source) {
        if (source.sample_rate() == sampleRate && source.format() == format
                && av_channel_layout_compare(source.ch_layout(), layout) == 0) {
            return source;
        }
        if (context == null || source.sample_rate() != inputRate || source.format() != inputFormat
                || av_channel_layout_compare(source.ch_layout(), inputLayout) != 0) {
            reset(source);
        }
        if (target == null) {
            target = Ffmpeg.allocated(av_frame_alloc(), "av_frame_alloc");
        }
        av_frame_unref(target);
        target.sample_rate(sampleRate).format(format);
        Ffmpeg.check(av_channel_layout_copy(target.ch_layout(), layout), "av_channel_layout_copy");
        // With no buffer in the target, swr_convert_frame sizes one for what it will write (configuring itself first).
        Ffmpeg.check(swr_convert_frame(context, target, source), "swr_convert_frame");
        return target;
    }

    private void reset(AVFrame source) {
        freeContext();
        context = Ffmpeg.allocated(swr_alloc(), "swr_alloc");
        av_channel_layout_uninit(inputLayout);
        Ffmpeg.check(av_channel_layout_copy(inputLayout, source.ch_layout()), "av_channel_layout_copy");
        inputRate = source.sample_rate();
        inputFormat = source.format();
    }

    private void freeContext() {
        if (context != null) {
            swr_free(context);
            context = null;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeContext();
        if (target != null) {
            av_frame_free(target);
            target = null;
        }
        av_channel_layout_uninit(inputLayout);
        av_channel_layout_uninit(layout);
        inputLayout.close();
        layout.close();
    }
}
