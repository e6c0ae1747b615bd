package dev.vcdn.origin.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_d2q;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import dev.vcdn.origin.codec.AnnexB;
import dev.vcdn.origin.codec.CodecStrings;
import dev.vcdn.origin.ffmpeg.CodecContext;
import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.ffmpeg.NativePacket;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import java.util.Map;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Encodes one rung. The encoder never places keyframes on its own (no scene cuts, a GOP longer
 * than any segment): the caller forces them, at the same timestamps in every rung, so segment
 * boundaries line up across the ladder. Owned by the rung's thread; timestamps in milliseconds.
 */
public final class VideoEncoder implements RungEncoder {

    /** Longer than any keyframe interval we force, so the encoder adds none of its own. */
    private static final int MAX_GOP_SECONDS = 20;

    private final Rung rung;
    private final CodecContext codecContext;
    private final NativePacket packet;
    private final byte[] configuration;
    private final String codecString;
    private boolean closed;

    public VideoEncoder(Rung rung) {
        this.rung = rung;
        codecContext = CodecContext.encoder(rung.codec().encoder());
        try {
            packet = new NativePacket();
        } catch (RuntimeException e) {
            codecContext.close();
            throw e;
        }
        try {
            AVCodecContext context = codecContext.get();
            context.width(rung.width()).height(rung.height()).pix_fmt(AV_PIX_FMT_YUV420P)
                    .time_base(av_make_q(1, 1000))
                    .framerate(av_d2q(rung.fps(), 1001 * 1000))
                    .bit_rate(rung.bitrateKbps() * 1000L)
                    .rc_max_rate(rung.maxBitrateKbps() * 1000L)
                    .rc_buffer_size(rung.maxBitrateKbps() * 1000)
                    .gop_size((int) Math.ceil(rung.fps() * MAX_GOP_SECONDS))
                    .max_b_frames(0)
                    .thread_count(1)
                    .flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            codecContext.open(encoderOptions(rung.codec()));
            byte[] extradata = new byte[context.extradata_size()];
            if (extradata.length > 0) {
                context.extradata().get(extradata);
            }
            configuration = rung.codec() == VideoCodec.H264 ? AnnexB.avcDecoderConfiguration(extradata) : extradata;
            codecString = switch (rung.codec()) {
                case H264 -> CodecStrings.avc(configuration);
                case AV1 -> CodecStrings.av1Level(rung.width(), rung.height(), rung.fps());
                case VP9 -> CodecStrings.vp9(rung.width(), rung.height(), rung.fps());
            };
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Low-latency settings per encoder: no lookahead, no reordering, no keyframes of its own. */
    static Map<String, String> encoderOptions(VideoCodec codec) {
        return switch (codec) {
            case H264 -> Map.of("preset", "veryfast", "tune", "zerolatency", "profile", "high", "forced-idr", "1",
                    "x264-params", "scenecut=0:open-gop=0:nal-hrd=vbr");
            // Real-time mode: low-delay prediction, which SVT-AV1 only runs with CBR.
            case AV1 -> Map.of("preset", "10", "svtav1-params", "rtc=1:rc=2:scd=0");
            case VP9 -> Map.of("deadline", "realtime", "cpu-used", "8", "row-mt", "1", "lag-in-frames", "0",
                    "auto-alt-ref", "0");
        };
    }

    public Rung rung() {
        return rung;
    }

    @Override
    public byte[] configuration() {
        return configuration.clone();
    }

    @Override
    public String codecString() {
        return codecString;
    }

    @Override
    public void encode(AVFrame frame, boolean keyframe, Consumer<MediaPacket> out) {
        frame.pict_type(keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
        int sent = avcodec_send_frame(codecContext.get(), frame);
        if (sent == Ffmpeg.EAGAIN) {
            // Its output must be taken before it takes more: take it, then give the frame again.
            receive(out);
            sent = avcodec_send_frame(codecContext.get(), frame);
        }
        if (sent < 0) {
            throw new FfmpegException("avcodec_send_frame(" + rung.id() + ")", sent);
        }
        receive(out);
    }

    @Override
    public void flush(Consumer<MediaPacket> out) {
        avcodec_send_frame(codecContext.get(), null);
        receive(out);
    }

    private void receive(Consumer<MediaPacket> out) {
        EncodedPackets.drain(codecContext.get(), packet.get(), rung.id().value(), encoded -> {
            byte[] bytes = EncodedPackets.bytes(encoded);
            byte[] sample = rung.codec() == VideoCodec.H264 ? AnnexB.toLengthPrefixed(bytes) : bytes;
            out.accept(MediaPacket.frame(rung.codec().codec(), encoded.dts(), encoded.pts(), TimeBase.MILLISECONDS,
                    (encoded.flags() & AV_PKT_FLAG_KEY) != 0, Payload.copyOf(sample)));
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        packet.close();
        codecContext.close();
    }
}
