package dev.vcdn.origin.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/**
 * An encoder's or decoder's {@code AVCodecContext}, owned by one thread: allocated checked,
 * opened with named options, freed once by {@link #close()}.
 */
public final class CodecContext implements AutoCloseable {

    private final AVCodec codec;
    private final AVCodecContext context;
    private final String name;
    private boolean closed;

    private CodecContext(AVCodec codec, String name) {
        this.codec = codec;
        this.name = name;
        this.context = Ffmpeg.allocated(avcodec_alloc_context3(codec), "avcodec_alloc_context3(" + name + ")");
    }

    /** The encoder FFmpeg knows by {@code name} ({@code libx264}, {@code aac}...), not yet opened. */
    public static CodecContext encoder(String name) {
        AVCodec codec = avcodec_find_encoder_by_name(name);
        if (codec == null || codec.isNull()) {
            throw new FfmpegException("no encoder " + name);
        }
        return new CodecContext(codec, name);
    }

    /** The decoder of {@code codecId} ({@code AV_CODEC_ID_*}), not yet opened. */
    public static CodecContext decoder(int codecId, String name) {
        AVCodec codec = avcodec_find_decoder(codecId);
        if (codec == null || codec.isNull()) {
            throw new FfmpegException("no decoder for " + name);
        }
        return new CodecContext(codec, name + " decoder");
    }

    /** The context to set up before {@link #open} and to read after; valid until {@link #close()}. */
    public AVCodecContext get() {
        if (closed) {
            throw new IllegalStateException("the codec context of " + name + " is closed");
        }
        return context;
    }

    public String name() {
        return name;
    }

    public void open(Map<String, String> options) {
        AVDictionary dictionary = new AVDictionary(null);
        try {
            options.forEach((key, value) -> av_dict_set(dictionary, key, value, 0));
            Ffmpeg.check(avcodec_open2(get(), codec, dictionary), "avcodec_open2(" + name + ")");
        } finally {
            av_dict_free(dictionary);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            avcodec_free_context(context);
        }
    }
}
