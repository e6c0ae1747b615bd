package dev.vcdn.origin.ingest.webrtc;

import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The Opus track (RFC 7587): each RTP payload is one Opus packet, 48 kHz clock. The pipeline gets
 * an OpusHead first and transcodes to AAC; a lost packet is a gap the decoder's timestamps show.
 */
final class AudioTrack extends ReceivedTrack {

    private final Predicate<MediaPacket> sink;
    private final int channels;
    private boolean configured;
    private long droppedFrames;

    AudioTrack(int payloadType, boolean retransmits, int channels, long jitterDelayMillis, LongSupplier sessionMillis,
               Predicate<MediaPacket> sink) {
        super(payloadType, retransmits, 48_000, jitterDelayMillis, sessionMillis);
        this.channels = channels;
        this.sink = sink;
    }

    @Override
    public void packet(RtpPacket packet) {
        if (packet.payloadLength() == 0) {
            return;
        }
        long millis = millis(packet.timestamp());
        if (!configured) {
            configured = true;
            sink.test(MediaPacket.config(Codec.OPUS, millis, TimeBase.MILLISECONDS, Payload.copyOf(opusHead(channels))));
        }
        Payload frame = Payload.copyOf(packet.bytes(), packet.payloadOffset(), packet.payloadLength());
        if (!sink.test(MediaPacket.frame(Codec.OPUS, millis, millis, TimeBase.MILLISECONDS, false, frame))) {
            droppedFrames++;
        }
    }

    @Override
    public void lost(int count) {
        // Opus frames stand alone: the next one decodes without the lost ones.
    }

    long droppedFrames() {
        return droppedFrames;
    }

    /** The identification header (RFC 7845 section 5.1) FFmpeg's Opus decoder takes as extradata. */
    static byte[] opusHead(int channels) {
        return ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN)
                .put("OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put((byte) 1).put((byte) channels).putShort((short) 0).putInt(48_000).putShort((short) 0).put((byte) 0)
                .array();
    }
}
