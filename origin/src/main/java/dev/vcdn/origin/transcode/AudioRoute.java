package dev.vcdn.origin.transcode;

import dev.vcdn.origin.codec.AudioSpecificConfig;
import dev.vcdn.origin.codec.CodecStrings;
import dev.vcdn.origin.ffmpeg.FfmpegException;
import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import io.micrometer.core.instrument.Counter;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio rendition: AAC-LC in mono or stereo at a usual rate passes through as it came;
 * everything else becomes AAC-LC that every HLS player takes: Opus (enhanced RTMP, WebRTC),
 * surround (mixed down to stereo), other AAC profiles. The rendition keeps the format it started
 * with, which its init segment declares: a publisher that changes its audio mid-stream (another
 * sample rate, mono to stereo) is re-encoded into that format from then on. A packet the decoder
 * refuses costs that packet only (the gap is filled with silence), never the stream. Decode
 * thread only.
 */
final class AudioRoute implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AudioRoute.class);
    private static final int AAC_LC = 2;

    private final LadderOutput output;
    private final String stream;
    private final Counter refused;
    private AudioTranscoder transcoder;
    /** The configuration the transcoder decodes. */
    private byte[] transcodedConfig;
    /** Passing through, the publisher changed to a configuration the decoder refused: its packets are not the rendition's. */
    private boolean refusedChange;
    /** The AudioSpecificConfig passed through as it came; null while transcoding (or before any). */
    private byte[] passedConfig;
    private AudioTranscoder.AudioFormat declaredFormat;
    private boolean declared;
    private long refusedInARow;

    /** @param refused counts packets the audio decoder refused */
    AudioRoute(LadderOutput output, String stream, Counter refused) {
        this.output = output;
        this.stream = stream;
        this.refused = refused;
    }

    void packet(MediaPacket packet) {
        try {
            if (packet.isConfig()) {
                configure(packet);
                return;
            }
            if (passedConfig != null) {
                // Under a configuration the decoder refused nothing is right: dropped until the first comes back.
                if (packet.codec() == Codec.AAC && !refusedChange) {
                    output.packet(StreamTranscoder.AUDIO, packet);
                }
                return;
            }
            if (transcoder == null) {
                if (packet.codec() == Codec.AAC) {
                    return; // raw AAC cannot be decoded before its configuration
                }
                transcoder = new AudioTranscoder(packet.codec(), new byte[0]);
            }
            transcoder.transcode(packet, this::transcoded);
            if (refusedInARow > 0) {
                log.info("audio decoding again: stream={} after {} refused packets", stream, refusedInARow);
                refusedInARow = 0;
            }
        } catch (FfmpegException e) {
            refused.increment();
            if (refusedInARow++ == 0) {
                log.warn("audio packet refused: stream={} error={}; going on", stream, e.getMessage());
            }
        }
    }

    private void configure(MediaPacket config) {
        byte[] bytes = config.payload().toByteArray();
        if (passedConfig != null && Arrays.equals(bytes, passedConfig)) {
            refusedChange = false;
            output.packet(StreamTranscoder.AUDIO, config); // the same configuration, sent again
            return;
        }
        if (!declared && config.codec() == Codec.AAC && playableAsItIs(bytes)) {
            closeTranscoder(); // one for an earlier configuration that never got to say anything
            passedConfig = bytes;
            declaredFormat = new AudioTranscoder.AudioFormat(AudioSpecificConfig.sampleRate(bytes),
                    AudioSpecificConfig.channels(bytes));
            declare(config.payload());
            output.packet(StreamTranscoder.AUDIO, config);
            return;
        }
        if (transcoder != null && Arrays.equals(bytes, transcodedConfig)) {
            return; // the same configuration, sent again: the decoder goes on
        }
        if (transcoder == null) {
            // Built before anything changes: a configuration the decoder refuses leaves the transcoder as it was.
            AudioTranscoder next;
            try {
                next = new AudioTranscoder(config.codec(), bytes, passedConfig != null ? declaredFormat : null);
            } catch (FfmpegException e) {
                refusedChange = passedConfig != null;
                throw e;
            }
            refusedChange = false;
            if (passedConfig != null) {
                log.info("audio of stream={} changed mid-stream to {}: re-encoded into its first format ({} Hz, {} channels)",
                        stream, describe(config.codec(), bytes), declaredFormat.sampleRate(), declaredFormat.channels());
                passedConfig = null;
            }
            transcoder = next;
        } else {
            transcoder.decodeAs(config.codec(), bytes);
        }
        transcodedConfig = bytes;
    }

    /** AAC-LC, mono or stereo, at a rate every player takes: what goes to viewers as it came. */
    static boolean playableAsItIs(byte[] audioSpecificConfig) {
        try {
            int channelConfiguration = AudioSpecificConfig.channelConfiguration(audioSpecificConfig);
            return CodecStrings.aac(audioSpecificConfig).equals("mp4a.40." + AAC_LC)
                    && (channelConfiguration == 1 || channelConfiguration == 2)
                    && AudioTranscoder.PLAYABLE_RATES.contains(AudioSpecificConfig.sampleRate(audioSpecificConfig));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(Codec codec, byte[] configuration) {
        if (codec != Codec.AAC) {
            return codec.toString();
        }
        try {
            return CodecStrings.aac(configuration) + " " + AudioSpecificConfig.sampleRate(configuration) + " Hz "
                    + AudioSpecificConfig.channels(configuration) + " channels";
        } catch (IllegalArgumentException e) {
            return "an unreadable AAC configuration";
        }
    }

    private void transcoded(MediaPacket aac) {
        if (!declared) {
            Payload configuration = Payload.copyOf(transcoder.configuration());
            declare(configuration);
            output.packet(StreamTranscoder.AUDIO, MediaPacket.config(Codec.AAC, aac.dts(), TimeBase.MILLISECONDS, configuration));
        }
        output.packet(StreamTranscoder.AUDIO, aac);
    }

    private void declare(Payload configuration) {
        if (!declared) {
            declared = true;
            output.rendition(new RenditionInfo(StreamTranscoder.AUDIO, MediaKind.AUDIO, Codec.AAC,
                    CodecStrings.aac(configuration.toByteArray()), 0, 0, 0, 0, 0, Optional.of(configuration)));
        }
    }

    /** The stream ended: what the transcoder still holds goes out. */
    void finish() {
        if (transcoder != null) {
            try {
                transcoder.flush(this::transcoded);
            } catch (FfmpegException e) {
                log.warn("last audio not encoded: stream={} error={}", stream, e.getMessage());
            }
        }
    }

    private void closeTranscoder() {
        if (transcoder != null) {
            transcoder.close();
            transcoder = null;
            transcodedConfig = null;
        }
    }

    /** Frees the transcoder and ends the rendition; the decode thread's last word on audio. */
    @Override
    public void close() {
        closeTranscoder();
        if (declared) {
            output.renditionEnd(StreamTranscoder.AUDIO);
        }
    }
}
