package dev.vcdn.origin.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_samples_set_silence;

import dev.vcdn.origin.ffmpeg.CodecContext;
import dev.vcdn.origin.ffmpeg.Ffmpeg;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.ffmpeg.NativeFrame;
import dev.vcdn.origin.ffmpeg.NativePacket;
import dev.vcdn.origin.ffmpeg.Resampler;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Audio that HLS players do not all take to AAC-LC, stereo at most: Opus (WebRTC, enhanced RTMP),
 * surround AAC (downmixed), and AAC whose format changed mid-stream (resampled into the format the
 * stream began with, which its init segment declares). Opus gives 960-sample frames and AAC takes
 * 1024, so samples go through a FIFO in between. Owned by the stream's decode thread; timestamps
 * in milliseconds.
 */
public final class AudioTranscoder implements AutoCloseable {

    static final int AAC_BITRATE = 128_000;
    static final long MAX_SILENCE_MILLIS = 2000;

    /** Sample rates every player takes in AAC-LC; another input rate is encoded at {@link #DEFAULT_RATE}. */
    public static final Set<Integer> PLAYABLE_RATES = Set.of(48_000, 44_100, 32_000, 24_000, 22_050, 16_000);
    static final int DEFAULT_RATE = 48_000;
    /** More channels are mixed down: stereo is what every player and device takes. */
    static final int MAX_CHANNELS = 2;

    /** What the output must be; null: what the first decoded frame is, within the playable rates and stereo. */
    private final AudioFormat fixedOutput;
    /** Set once the encoder could not be opened: every later frame fails at once, nothing is built again. */
    private FfmpegException openFailure;
    private MediaDecoder decoder;
    private Resampler resampler;
    /** Opened on the first decoded frame, which tells the sample rate and channels. */
    private CodecContext encoderContext;
    private AVCodecContext encoder;
    private NativePacket packet;
    private AVAudioFifo fifo;
    private byte[] configuration;
    private long firstMillis = Long.MIN_VALUE;
    private long samplesQueued;
    /** Samples put into the FIFO so far, silence included: where the next input should start. */
    private long samplesIn;
    private long silenceFilled;
    private boolean closed;

    /** The output's sample rate and channel count. */
    public record AudioFormat(int sampleRate, int channels) {
    }

    /** Output in the first decoded frame's rate and channels (stereo at most). */
    public AudioTranscoder(Codec codec, byte[] configuration) {
        this(codec, configuration, null);
    }

    /**
     * Output always in {@code output}, whatever comes in, continuing audio already under way: the
     * encoder's priming frame (which would lie over the audio before) is left out.
     *
     * @throws IllegalArgumentException for a rate outside {@link #PLAYABLE_RATES} or more than stereo
     */
    public AudioTranscoder(Codec codec, byte[] configuration, AudioFormat output) {
        if (output != null && (!PLAYABLE_RATES.contains(output.sampleRate()) || output.channels() < 1
                || output.channels() > MAX_CHANNELS)) {
            throw new IllegalArgumentException("not an output every player takes: " + output);
        }
        this.fixedOutput = output;
        decoder = new MediaDecoder(codec, configuration);
    }

    /**
     * The input changed (a new decoder configuration mid-stream): decoded from now on with this
     * one, encoded on into the same output, on the same timeline.
     */
    public void decodeAs(Codec codec, byte[] configuration) {
        MediaDecoder next = new MediaDecoder(codec, configuration);
        decoder.close();
        decoder = next;
        openFailure = null; // the encoder is tried again for the new input's first frame
    }

    /** The AAC AudioSpecificConfig, known once the first frame was decoded (empty before). */
    public byte[] configuration() {
        return configuration == null ? new byte[0] : configuration.clone();
    }

    public void transcode(MediaPacket input, Consumer<MediaPacket> out) {
        long inputMillis = input.timeBase().rescale(input.pts(), TimeBase.MILLISECONDS);
        decoder.decode(input, frame -> {
            if (encoder == null) {
                open(frame, inputMillis);
            }
            AVFrame samples = resampler.convert(frame);
            if (samples.nb_samples() == 0) {
                return;
            }
            keepOnTime(inputMillis, samples.nb_samples());
            Ffmpeg.check(av_audio_fifo_write(fifo, samples.extended_data(), samples.nb_samples()), "av_audio_fifo_write");
            samplesIn += samples.nb_samples();
            drain(encoder.frame_size(), out);
        });
    }

    /**
     * Output timestamps count samples, so input that did not come (a packet lost on the network, a
     * sender that paused) would pull all later audio early, out of sync with the picture: a gap of
     * half a frame or more is filled with silence, one longer than {@value #MAX_SILENCE_MILLIS} ms
     * moves the timeline instead (the audio has a hole, as the input had).
     */
    private void keepOnTime(long inputMillis, int frameSamples) {
        long rate = encoder.sample_rate();
        long gapSamples = (inputMillis - firstMillis) * rate / 1000 - samplesIn;
        if (gapSamples < frameSamples / 2) {
            return;
        }
        if (gapSamples * 1000 / rate > MAX_SILENCE_MILLIS) {
            firstMillis += gapSamples * 1000 / rate;
            return;
        }
        try (NativeFrame silenceFrame = new NativeFrame()) {
            AVFrame silence = silenceFrame.get();
            silence.nb_samples((int) gapSamples).format(AV_SAMPLE_FMT_FLTP).sample_rate((int) rate);
            av_channel_layout_copy(silence.ch_layout(), encoder.ch_layout());
            Ffmpeg.check(av_frame_get_buffer(silence, 0), "av_frame_get_buffer(silence)");
            av_samples_set_silence(silence.extended_data(), 0, (int) gapSamples, encoder.ch_layout().nb_channels(),
                    AV_SAMPLE_FMT_FLTP);
            Ffmpeg.check(av_audio_fifo_write(fifo, silence.extended_data(), (int) gapSamples), "av_audio_fifo_write(silence)");
            samplesIn += gapSamples;
            silenceFilled += gapSamples;
        }
    }

    /** Samples of silence put where input was missing. */
    public long silenceFilled() {
        return silenceFilled;
    }

    /** Encodes what is left, the last frame short, then drains the encoder. */
    public void flush(Consumer<MediaPacket> out) {
        if (encoder == null) {
            return;
        }
        drain(encoder.frame_size(), out);
        drain(1, out);
        avcodec_send_frame(encoder, null);
        receive(out);
    }

    private void open(AVFrame first, long firstPts) {
        if (openFailure != null) {
            throw openFailure;
        }
        try {
            openEncoder(first, firstPts);
        } catch (RuntimeException e) {
            freeEncoder();
            openFailure = e instanceof FfmpegException ffmpeg ? ffmpeg : new FfmpegException("AAC encoder not opened: " + e);
            throw openFailure;
        }
    }

    private void openEncoder(AVFrame first, long firstPts) {
        AudioFormat output = fixedOutput != null ? fixedOutput : new AudioFormat(
                PLAYABLE_RATES.contains(first.sample_rate()) ? first.sample_rate() : DEFAULT_RATE,
                Math.min(Math.max(first.ch_layout().nb_channels(), 1), MAX_CHANNELS));
        // Each is kept in a field as soon as it exists, so freeEncoder() frees it whatever fails next.
        resampler = new Resampler(output.sampleRate(), output.channels(), AV_SAMPLE_FMT_FLTP);
        encoderContext = CodecContext.encoder("aac");
        packet = new NativePacket();
        AVCodecContext encoder = encoderContext.get();
        av_channel_layout_default(encoder.ch_layout(), output.channels());
        encoder.sample_rate(output.sampleRate()).sample_fmt(AV_SAMPLE_FMT_FLTP).bit_rate(AAC_BITRATE)
                .time_base(av_make_q(1, output.sampleRate()))
                .flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        encoderContext.open(Map.of());
        configuration = new byte[encoder.extradata_size()];
        encoder.extradata().get(configuration);
        fifo = Ffmpeg.allocated(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, output.channels(), encoder.frame_size() * 4),
                "av_audio_fifo_alloc");
        firstMillis = firstPts;
        this.encoder = encoder; // open only now: a failure above leaves it closed, and freeEncoder() frees the rest
    }

    private void freeEncoder() {
        encoder = null;
        if (fifo != null) {
            av_audio_fifo_free(fifo);
            fifo = null;
        }
        if (packet != null) {
            packet.close();
            packet = null;
        }
        if (encoderContext != null) {
            encoderContext.close();
            encoderContext = null;
        }
        if (resampler != null) {
            resampler.close();
            resampler = null;
        }
    }

    /** Encodes whole frames of {@code frameSize} samples while the FIFO holds that many. */
    private void drain(int frameSize, Consumer<MediaPacket> out) {
        while (av_audio_fifo_size(fifo) >= frameSize && av_audio_fifo_size(fifo) > 0) {
            int samples = Math.min(encoder.frame_size(), av_audio_fifo_size(fifo));
            try (NativeFrame frameToEncode = new NativeFrame()) {
                AVFrame frame = frameToEncode.get();
                frame.nb_samples(samples).format(AV_SAMPLE_FMT_FLTP).sample_rate(encoder.sample_rate());
                av_channel_layout_copy(frame.ch_layout(), encoder.ch_layout());
                Ffmpeg.check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer(audio)");
                Ffmpeg.check(av_audio_fifo_read(fifo, frame.extended_data(), samples), "av_audio_fifo_read");
                frame.pts(samplesQueued);
                samplesQueued += samples;
                int sent = avcodec_send_frame(encoder, frame);
                if (sent == Ffmpeg.EAGAIN) {
                    receive(out);
                    sent = avcodec_send_frame(encoder, frame);
                }
                Ffmpeg.check(sent, "avcodec_send_frame(aac)");
            }
            receive(out);
        }
    }

    private void receive(Consumer<MediaPacket> out) {
        EncodedPackets.drain(encoder, packet.get(), "aac", encoded -> {
            if (fixedOutput != null && encoded.pts() < 0) {
                return; // the priming frame: silence over the audio that came before
            }
            long millis = firstMillis + Math.round(encoded.pts() * 1000.0 / encoder.sample_rate());
            out.accept(MediaPacket.frame(Codec.AAC, millis, millis, TimeBase.MILLISECONDS, false,
                    Payload.copyOf(EncodedPackets.bytes(encoded))));
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        freeEncoder();
        decoder.close();
    }
}
