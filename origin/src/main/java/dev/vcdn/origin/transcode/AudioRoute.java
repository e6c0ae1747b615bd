package dev.vcdn.origin.transcode;

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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio rendition: AAC passes through; Opus (enhanced RTMP, WebRTC) becomes AAC, which
 * every HLS player takes. A packet the Opus decoder refuses costs that packet only (the gap is
 * filled with silence), never the stream. Decode thread only.
 */
final class AudioRoute implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AudioRoute.class);

    private final LadderOutput output;
    private final String stream;
    private final Counter refused;
    private AudioTranscoder transcoder;
    private boolean declared;
    private long refusedInARow;

    /** @param refused counts packets the audio decoder refused */
    AudioRoute(LadderOutput output, String stream, Counter refused) {
        this.output = output;
        this.stream = stream;
        this.refused = refused;
    }

    void packet(MediaPacket packet) {
        if (packet.codec() == Codec.AAC) {
            if (packet.isConfig()) {
                declare(packet.payload());
            }
            if (declared) {
                output.packet(StreamTranscoder.AUDIO, packet);
            }
            return;
        }
        try {
            if (packet.isConfig()) {
                closeTranscoder();
                transcoder = new AudioTranscoder(packet.codec(), packet.payload().toByteArray());
                return;
            }
            if (transcoder == null) {
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
            finish();
            transcoder.close();
            transcoder = null;
        }
    }

    /** Frees the transcoder and ends the rendition; the decode thread's last word on audio. */
    @Override
    public void close() {
        if (transcoder != null) {
            transcoder.close();
            transcoder = null;
        }
        if (declared) {
            output.renditionEnd(StreamTranscoder.AUDIO);
        }
    }
}
