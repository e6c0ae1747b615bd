package dev.vcdn.origin.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * Decodes one stream's compressed video or audio. Owned by the stream's decode thread; frames
 * handed to the consumer are valid only during the call (take a reference with
 * {@code av_frame_clone} to keep one). Timestamps stay in milliseconds.
 */
public final class MediaDecoder implements AutoCloseable {

    /** {@code AV_INPUT_BUFFER_PADDING_SIZE}: zero bytes readers may run past the end. */
    private static final int INPUT_PADDING = 64;

    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame frame;
    private boolean closed;

    public MediaDecoder(Codec codec, byte[] configuration) {
        AVCodec decoder = avcodec_find_decoder(codecId(codec));
        if (decoder == null || decoder.isNull()) {
            throw new FfmpegException("no decoder for " + codec);
        }
        context = avcodec_alloc_context3(decoder);
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        try {
            if (configuration.length > 0) {
                // libavcodec frees extradata itself, so it comes from av_mallocz, zero padding included.
                BytePointer extradata = new BytePointer(av_mallocz(configuration.length + INPUT_PADDING))
                        .capacity(configuration.length + INPUT_PADDING);
                extradata.put(configuration);
                context.extradata(extradata).extradata_size(configuration.length);
            }
            context.pkt_timebase(av_make_q(1, 1000));
            context.thread_count(1);
            Ffmpeg.check(avcodec_open2(context, decoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "avcodec_open2(decoder)");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static int codecId(Codec codec) {
        return switch (codec) {
            case H264 -> AV_CODEC_ID_H264;
            case HEVC -> AV_CODEC_ID_HEVC;
            case AV1 -> AV_CODEC_ID_AV1;
            case VP9 -> AV_CODEC_ID_VP9;
            case AAC -> AV_CODEC_ID_AAC;
            case OPUS -> AV_CODEC_ID_OPUS;
        };
    }

    /** The decoder's context, for what it found out about the stream (sample rate, channel layout). */
    AVCodecContext context() {
        return context;
    }

    /** Decodes one frame packet; {@code out} sees every frame that becomes ready. */
    public void decode(MediaPacket input, Consumer<AVFrame> out) {
        try {
            Ffmpeg.fill(packet, input);
            int sent = avcodec_send_packet(context, packet);
            if (sent < 0 && sent != Ffmpeg.EAGAIN) {
                throw new FfmpegException("avcodec_send_packet", sent);
            }
        } finally {
            av_packet_unref(packet);
        }
        receive(out);
    }

    /** Drains the frames the decoder still holds (end of stream). */
    public void flush(Consumer<AVFrame> out) {
        avcodec_send_packet(context, null);
        receive(out);
    }

    private void receive(Consumer<AVFrame> out) {
        while (true) {
            int result = avcodec_receive_frame(context, frame);
            if (result == Ffmpeg.EAGAIN || result == AVERROR_EOF) {
                return;
            }
            Ffmpeg.check(result, "avcodec_receive_frame");
            try {
                out.accept(frame);
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        av_frame_free(frame);
        av_packet_free(packet);
        avcodec_free_context(context);
    }
}
