package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avfilter.AV_BUFFERSRC_FLAG_KEEP_REF;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_time_base;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import java.util.Locale;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Makes whole pictures of an interlaced source's fields with FFmpeg's {@code bwdif} filter, one
 * picture per frame (the frame rate stays), frames not marked interlaced passing untouched: a
 * source coded as fields and encoded again as pictures would show combs on every movement.
 * Owned by the stream's decode thread; rebuilds its graph when the picture size or format changes.
 */
public final class Deinterlacer implements AutoCloseable {

    static final String FILTER = "mode=send_frame:parity=auto:deint=interlaced";

    /** The time base the decoder's frames are in (the packets' milliseconds). */
    private final int timeBaseDenominator;
    private AVFilterGraph graph;
    private AVFilterContext source;
    private AVFilterContext sink;
    private AVFrame out;
    private int width;
    private int height;
    private int format = -1;
    private long sinkTimeBaseNum = 1;
    private long sinkTimeBaseDen = 1;
    private boolean closed;

    public Deinterlacer(int timeBaseDenominator) {
        this.timeBaseDenominator = timeBaseDenominator;
    }

    /** Takes one decoded frame (never freed here: it stays the caller's) and hands on every picture that is ready. */
    public void filter(AVFrame frame, Consumer<AVFrame> pictures) {
        if (graph == null || frame.width() != width || frame.height() != height || frame.format() != format) {
            if (graph != null) {
                flush(pictures);
            }
            build(frame);
        }
        Ffmpeg.check(av_buffersrc_add_frame_flags(source, frame, AV_BUFFERSRC_FLAG_KEEP_REF), "av_buffersrc_add_frame_flags");
        drain(pictures);
    }

    /** The source ended: the picture the filter still holds (it looks one frame ahead) comes out. */
    public void flush(Consumer<AVFrame> pictures) {
        if (graph == null) {
            return;
        }
        Ffmpeg.check(av_buffersrc_add_frame_flags(source, null, 0), "av_buffersrc_add_frame_flags(end)");
        drain(pictures);
        freeGraph();
    }

    private void drain(Consumer<AVFrame> pictures) {
        while (true) {
            int received = av_buffersink_get_frame(sink, out);
            if (received == Ffmpeg.EAGAIN || received == AVERROR_EOF) {
                return;
            }
            Ffmpeg.check(received, "av_buffersink_get_frame");
            out.pts(inputTime(out.pts()));
            out.duration(inputTime(out.duration()));
            try {
                pictures.accept(out);
            } finally {
                av_frame_unref(out);
            }
        }
    }

    /** bwdif counts in half the input's time base (it could make a picture per field): back to the input's. */
    private long inputTime(long sinkTime) {
        if (sinkTime == AV_NOPTS_VALUE) {
            return sinkTime;
        }
        return Math.floorDiv(Math.multiplyExact(Math.multiplyExact(sinkTime, sinkTimeBaseNum), (long) timeBaseDenominator),
                sinkTimeBaseDen);
    }

    private void build(AVFrame first) {
        freeGraph();
        try {
            configure(first);
        } catch (RuntimeException e) {
            freeGraph(); // half built: the next frame builds it again
            throw e;
        }
        width = first.width();
        height = first.height();
        format = first.format();
    }

    private void configure(AVFrame first) {
        if (out == null) {
            out = Ffmpeg.allocated(av_frame_alloc(), "av_frame_alloc");
        }
        graph = Ffmpeg.allocated(avfilter_graph_alloc(), "avfilter_graph_alloc");
        graph.nb_threads(1); // the decode thread's own work, as the decoders and encoders here are single-threaded
        int sarNum = Math.max(first.sample_aspect_ratio().num(), 0);
        int sarDen = Math.max(first.sample_aspect_ratio().den(), 1);
        String buffer = String.format(Locale.ROOT, "video_size=%dx%d:pix_fmt=%d:time_base=1/%d:pixel_aspect=%d/%d",
                first.width(), first.height(), first.format(), timeBaseDenominator, sarNum, sarDen);
        source = create("buffer", "in", buffer);
        AVFilterContext bwdif = create("bwdif", "deinterlace", FILTER);
        sink = create("buffersink", "out", null);
        Ffmpeg.check(avfilter_link(source, 0, bwdif, 0), "avfilter_link(in)");
        Ffmpeg.check(avfilter_link(bwdif, 0, sink, 0), "avfilter_link(out)");
        Ffmpeg.check(avfilter_graph_config(graph, null), "avfilter_graph_config");
        try (AVRational sinkTimeBase = av_buffersink_get_time_base(sink)) {
            sinkTimeBaseNum = sinkTimeBase.num();
            sinkTimeBaseDen = Math.max(sinkTimeBase.den(), 1);
        }
    }

    /** A filter in the graph (freed with it). */
    private AVFilterContext create(String filter, String name, String arguments) {
        try (PointerPointer<AVFilterContext> created = new PointerPointer<>(1);
             BytePointer nameBytes = new BytePointer(name);
             BytePointer argumentBytes = arguments == null ? null : new BytePointer(arguments)) {
            Ffmpeg.check(avfilter_graph_create_filter(created, Ffmpeg.allocated(avfilter_get_by_name(filter),
                    "avfilter_get_by_name(" + filter + ")"), nameBytes, argumentBytes, null, graph),
                    "avfilter_graph_create_filter(" + filter + ")");
            return created.get(AVFilterContext.class, 0);
        }
    }

    private void freeGraph() {
        if (graph != null) {
            avfilter_graph_free(graph);
            graph = null;
            source = null;
            sink = null;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeGraph();
        if (out != null) {
            av_frame_free(out);
            out = null;
        }
    }
}
