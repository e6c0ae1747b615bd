package dev.vcdn.origin.transcode;

import dev.vcdn.origin.codec.CodecStrings;
import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The source rendition when the source's own H.264 is passed through: its packets as they came,
 * held from the decision until the ladder starts (the decoder's first picture tells the size the
 * rendition is declared with). Decode thread only.
 */
final class SourcePassthrough {

    /**
     * Packets held before the decoder shows a first picture; it shows one within a few packets
     * of a keyframe, so a source that never does is not decodable, and its publish ends.
     */
    static final int MAX_PENDING = 300;

    private final LadderOutput output;
    private final List<MediaPacket> pending = new ArrayList<>();
    private boolean started;

    SourcePassthrough(LadderOutput output) {
        this.output = output;
    }

    void packet(MediaPacket packet) {
        if (started) {
            output.packet(StreamTranscoder.SOURCE, packet);
        } else if (pending.size() < MAX_PENDING) {
            pending.add(packet);
        } else {
            throw new IllegalStateException("no picture decoded from the source's first " + MAX_PENDING + " packets");
        }
    }

    /** New parameter sets from the publisher (the init segment keeps the first ones; the packets carry none). */
    void configuration(MediaPacket configuration) {
        if (started) {
            output.packet(StreamTranscoder.SOURCE, configuration);
        }
    }

    /** Declares the rendition as planned and hands over what was held. */
    void start(Rung rung, MediaPacket configuration) {
        started = true;
        output.rendition(new RenditionInfo(StreamTranscoder.SOURCE, MediaKind.VIDEO, Codec.H264,
                CodecStrings.avc(configuration.payload().toByteArray()), rung.width(), rung.height(), rung.fps(),
                rung.bitrateKbps(), rung.maxBitrateKbps(), Optional.of(configuration.payload())));
        output.packet(StreamTranscoder.SOURCE, configuration);
        pending.forEach(packet -> output.packet(StreamTranscoder.SOURCE, packet));
        pending.clear();
    }

    void end() {
        pending.clear();
        if (started) {
            output.renditionEnd(StreamTranscoder.SOURCE);
        }
    }
}
