package dev.vcdn.origin.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AV1;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_NONKEY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import dev.vcdn.origin.ffmpeg.CodecContext;
import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.ffmpeg.NativeFrame;
import dev.vcdn.origin.ffmpeg.NativePacket;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * Decodes one stream's compressed video or audio. Owned by the stream's decode thread; frames
 * handed to the consumer are valid only during the call (take a reference with
 * {@code av_frame_clone} to keep one). Timestamps stay in milliseconds.
 *
 * <p>A packet the decoder refuses (damaged data) fails its own {@link #decode} call only: the
 * decoder goes on with the next packet, and the picture is repaired at the next keyframe, as
 * the FFmpeg CLI does.
 */
public final class MediaDecoder implements AutoCloseable {

    /** {@code AV_INPUT_BUFFER_PADDING_SIZE}: zero bytes readers may run past the end. */
    private static final int INPUT_PADDING = 64;

    private final CodecContext codecContext;
    private final NativePacket packet;
    private final NativeFrame frame;
    private boolean closed;

    public MediaDecoder(Codec codec, byte[] configuration) {
        codecContext = CodecContext.decoder(codecId(codec), codec.name());
        NativePacket packetOfDecoder = null;
        NativeFrame frameOfDecoder = null;
        try {
            packetOfDecoder = new NativePacket();
            frameOfDecoder = new NativeFrame();
            AVCodecContext context = codecContext.get();
            if (configuration.length > 0) {
                // libavcodec frees extradata itself, so it comes from av_mallocz, zero padding included.
                BytePointer extradata = new BytePointer(Ffmpeg.allocated(av_mallocz(configuration.length + INPUT_PADDING),
                        "av_mallocz(extradata)")).capacity(configuration.length + INPUT_PADDING);
                extradata.put(configuration);
                context.extradata(extradata).extradata_size(configuration.length);
            }
            context.pkt_timebase(av_make_q(1, 1000));
            context.thread_count(1);
            codecContext.open(Map.of());
        } catch (RuntimeException e) {
            if (frameOfDecoder != null) {
                frameOfDecoder.close();
            }
            if (packetOfDecoder != null) {
                packetOfDecoder.close();
            }
            codecContext.close();
            throw e;
        }
        packet = packetOfDecoder;
        frame = frameOfDecoder;
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

    /**
     * From now on only keyframes are decoded (the others are read and dropped by the decoder):
     * for a stream nobody needs every picture of, only the taps' occasional one.
     */
    public void decodeKeyframesOnly() {
        codecContext.get().skip_frame(AVDISCARD_NONKEY);
    }

    /**
     * Decodes one frame packet; {@code out} sees every frame that becomes ready.
     *
     * @throws FfmpegException when the decoder refuses the packet (the decoder itself stays usable)
     */
    public void decode(MediaPacket input, Consumer<AVFrame> out) {
        AVPacket toSend = packet.get();
        try {
            Ffmpeg.fill(toSend, input);
            int sent = avcodec_send_packet(codecContext.get(), toSend);
            if (sent == Ffmpeg.EAGAIN) {
                // Its output must be taken before it takes more: take it, then give the packet again.
                receive(out);
                sent = avcodec_send_packet(codecContext.get(), toSend);
            }
            Ffmpeg.check(sent, "avcodec_send_packet(" + codecContext.name() + ")");
        } finally {
            av_packet_unref(toSend);
        }
        receive(out);
    }

    /** Drains the frames the decoder still holds (end of stream). */
    public void flush(Consumer<AVFrame> out) {
        avcodec_send_packet(codecContext.get(), null);
        receive(out);
    }

    private void receive(Consumer<AVFrame> out) {
        AVFrame decoded = frame.get();
        while (true) {
            int result = avcodec_receive_frame(codecContext.get(), decoded);
            if (result == Ffmpeg.EAGAIN || result == AVERROR_EOF) {
                return;
            }
            Ffmpeg.check(result, "avcodec_receive_frame(" + codecContext.name() + ")");
            try {
                out.accept(decoded);
            } finally {
                av_frame_unref(decoded);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        frame.close();
        packet.close();
        codecContext.close();
    }
}
