package dev.vcdn.origin.packager;

import dev.vcdn.origin.codec.AudioSpecificConfig;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avformat.avio_flush;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;

import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * CMAF for one rendition, written by FFmpeg's own mp4 muxer into memory: the init segment
 * ({@code ftyp}+{@code moov}) once, then one fragment ({@code moof}+{@code mdat}) per
 * {@link #cutFragment()}, which is one LL-HLS part. Fed by the thread that produces the
 * rendition. Packets need their duration, so the caller writes each packet once the next one
 * is known (or with the last duration at the end).
 *
 * <p>Every method holds the muxer's lock, so a {@link #close()} from another thread (a stream
 * ending while its producer is still stuck) waits for the write under way, and every later write
 * is refused: FFmpeg's memory is never touched after it was freed.
 */
public final class Fmp4Muxer implements AutoCloseable {

    /** {@code AVFMT_FLAG_CUSTOM_IO}, which this build's Java globals do not expose by name. */
    private static final int FLAG_CUSTOM_IO = 0x0080;
    private static final int IO_BUFFER_SIZE = 64 * 1024;
    private static final AVRational MILLISECONDS = av_make_q(1, 1000);

    /**
     * The one write callback of every muxer, never collected. A JavaCPP callback class has a few
     * native slots only (10 for this one in this build): a callback per muxer left the 11th muxer
     * writing nothing. The callback finds its muxer by the {@code opaque} pointer, as JavaCV does.
     */
    private static final WriteCallback WRITE_CALLBACK = new WriteCallback().retainReference();
    /** Open muxers by the address of their format context, which is the callback's {@code opaque}. */
    private static final Map<Long, Fmp4Muxer> OPEN = new ConcurrentHashMap<>();

    private static final class WriteCallback extends Write_packet_Pointer_BytePointer_int {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            Fmp4Muxer muxer = OPEN.get(opaque.address());
            if (muxer == null || size < 0) {
                return -1; // AVERROR(EPERM): nobody to write for
            }
            byte[] bytes = new byte[size];
            buffer.get(bytes, 0, size);
            muxer.written.write(bytes, 0, size);
            return size;
        }
    }

    private final ByteArrayOutputStream written = new ByteArrayOutputStream(64 * 1024);
    private final String name;
    private final AVFormatContext context;
    private final AVIOContext io;
    private final AVStream stream;
    private final AVPacket packet;
    private final byte[] initSegment;
    private boolean closed;

    public Fmp4Muxer(RenditionInfo rendition) {
        name = rendition.id().value();
        context = new AVFormatContext(null);
        Ffmpeg.check(avformat_alloc_output_context2(context, null, "mp4", null), "avformat_alloc_output_context2(mp4)");
        OPEN.put(context.address(), this);
        AVIOContext ioContext = null;
        AVPacket packetOfMuxer = null;
        try {
            BytePointer ioBuffer = new BytePointer(Ffmpeg.allocated(av_malloc(IO_BUFFER_SIZE), "av_malloc(io buffer)"));
            ioContext = avio_alloc_context(ioBuffer, IO_BUFFER_SIZE, 1, context, null, WRITE_CALLBACK, null);
            if (ioContext == null || ioContext.isNull()) {
                av_free(ioBuffer);
                ioContext = null;
                throw new FfmpegException("avio_alloc_context returned NULL");
            }
            packetOfMuxer = Ffmpeg.allocated(av_packet_alloc(), "av_packet_alloc");
        } catch (RuntimeException e) {
            freeNative(ioContext, packetOfMuxer);
            throw e;
        }
        io = ioContext;
        packet = packetOfMuxer;
        try {
            context.pb(io);
            context.flags(context.flags() | FLAG_CUSTOM_IO);
            stream = Ffmpeg.allocated(avformat_new_stream(context, null), "avformat_new_stream");
            describe(stream.codecpar(), rendition);
            stream.time_base(rendition.kind() == MediaKind.VIDEO
                    ? av_make_q(1, 90_000)
                    : av_make_q(1, AudioSpecificConfig.sampleRate(rendition.configuration().orElseThrow().toByteArray())));
            AVDictionary options = new AVDictionary(null);
            try {
                av_dict_set(options, "movflags", "cmaf+frag_custom+empty_moov+default_base_moof+skip_trailer", 0);
                Ffmpeg.check(avformat_write_header(context, options), "avformat_write_header(" + rendition.id() + ")");
            } finally {
                av_dict_free(options);
            }
            avio_flush(io);
            initSegment = takeWritten();
            // The first fragment too starts at its packet's own time: the muxer would start every
            // track at 0, whatever time it starts at (audio and video apart, a late rung early).
            startsAfterGap();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static void describe(AVCodecParameters parameters, RenditionInfo rendition) {
        parameters.codec_type(rendition.kind() == MediaKind.VIDEO ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO);
        parameters.codec_id(switch (rendition.codec()) {
            case H264 -> AV_CODEC_ID_H264;
            case AV1 -> AV_CODEC_ID_AV1;
            case VP9 -> AV_CODEC_ID_VP9;
            case AAC -> AV_CODEC_ID_AAC;
            default -> throw new IllegalArgumentException(rendition.codec() + " is not packaged");
        });
        if (rendition.kind() == MediaKind.VIDEO) {
            parameters.width(rendition.width()).height(rendition.height());
        } else {
            byte[] config = rendition.configuration().orElseThrow().toByteArray();
            parameters.sample_rate(AudioSpecificConfig.sampleRate(config));
            av_channel_layout_default(parameters.ch_layout(), AudioSpecificConfig.channels(config));
            parameters.frame_size(1024);
        }
        rendition.configuration().ifPresent(config -> {
            byte[] bytes = config.toByteArray();
            BytePointer extradata = new BytePointer(Ffmpeg.allocated(av_mallocz(bytes.length + 64), "av_mallocz(extradata)"))
                    .capacity(bytes.length + 64);
            extradata.put(bytes);
            parameters.extradata(extradata).extradata_size(bytes.length);
        });
    }

    /** {@code ftyp} + {@code moov}. */
    public byte[] initSegment() {
        return initSegment.clone();
    }

    /** Adds one packet to the fragment being built; {@code durationMillis} is the time to the next packet. */
    public synchronized void write(MediaPacket input, long durationMillis) {
        refuseWhenClosed();
        try {
            Ffmpeg.fill(packet, input);
            packet.duration(Math.max(1, durationMillis)).stream_index(0);
            av_packet_rescale_ts(packet, MILLISECONDS, stream.time_base());
            Ffmpeg.check(av_write_frame(context, packet), "av_write_frame");
        } finally {
            av_packet_unref(packet);
        }
    }

    /**
     * The next fragment starts after a gap in the rendition's time (its
     * producer was down): its decode time is written as the packet's own, where the muxer would
     * otherwise continue from the end of the last fragment and shift everything after the gap.
     * Call between {@link #cutFragment()} and the next {@link #write}.
     */
    public synchronized void startsAfterGap() {
        refuseWhenClosed();
        Ffmpeg.check(av_opt_set(context.priv_data(), "movflags", "+frag_discont", 0), "av_opt_set(movflags, +frag_discont)");
    }

    /** Ends the fragment: returns its bytes ({@code moof} + {@code mdat}), one part. */
    public synchronized byte[] cutFragment() {
        refuseWhenClosed();
        Ffmpeg.check(av_write_frame(context, null), "av_write_frame(flush fragment)");
        avio_flush(io);
        byte[] fragment = takeWritten();
        if (fragment.length == 0) {
            throw new FfmpegException("the muxer wrote no fragment");
        }
        return fragment;
    }

    private byte[] takeWritten() {
        byte[] bytes = written.toByteArray();
        written.reset();
        return bytes;
    }

    private void refuseWhenClosed() {
        if (closed) {
            throw new IllegalStateException("the muxer of rendition " + name + " is closed");
        }
    }

    /** Frees FFmpeg's objects; idempotent, and waits for a write under way on another thread. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // No trailer: it would write an mfra box, which is no part of a live stream.
        freeNative(io, packet);
    }

    private void freeNative(AVIOContext ioContext, AVPacket packetOfMuxer) {
        closed = true;
        if (packetOfMuxer != null) {
            av_packet_free(packetOfMuxer);
        }
        if (ioContext != null) {
            av_free(ioContext.buffer());
            avio_context_free(ioContext);
        }
        OPEN.remove(context.address());
        avformat_free_context(context);
    }
}
