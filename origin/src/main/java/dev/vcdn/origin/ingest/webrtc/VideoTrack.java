package dev.vcdn.origin.ingest.webrtc;

import dev.vcdn.origin.codec.H264AccessUnits;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.TimeBase;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/** The H.264 track: RTP packets to access units to media packets (avcC config, length-prefixed frames). */
final class VideoTrack extends ReceivedTrack {

    private final H264Depacketizer depacketizer;
    private final H264AccessUnits frames;
    private long lastMillis = Long.MIN_VALUE;
    private long framesOutOfOrder;
    private long lastKeyframeMillis;

    /** @param sink takes a media packet, or says false when the pipeline is full (the frame is dropped) */
    VideoTrack(int payloadType, boolean retransmits, long jitterDelayMillis, LongSupplier sessionMillis,
               Predicate<MediaPacket> sink) {
        super(payloadType, retransmits, 90_000, jitterDelayMillis, sessionMillis);
        this.frames = new H264AccessUnits(TimeBase.MILLISECONDS, packet -> {
            if (!sink.test(packet) && !packet.isConfig()) {
                skipToNextKeyframe(); // later frames reference this one
            }
        });
        this.depacketizer = new H264Depacketizer(unit -> {
            long millis = millis(unit.rtpTimestamp());
            if (millis < lastMillis) {
                framesOutOfOrder++; // B-frames or a confused sender: WHIP publishers send neither
                return;
            }
            lastMillis = millis;
            if (unit.keyframe()) {
                lastKeyframeMillis = lastArrivalMillis();
            }
            frames.accessUnit(unit.nalUnits(), millis, millis);
        });
    }

    @Override
    public void packet(RtpPacket packet) {
        depacketizer.packet(packet);
    }

    @Override
    public void lost(int count) {
        depacketizer.lost();
    }

    private void skipToNextKeyframe() {
        depacketizer.lost();
    }

    /** When the last keyframe got through (arrival time), or the first packet's arrival before that. */
    long lastKeyframeMillis() {
        return Math.max(lastKeyframeMillis, firstArrivalMillis());
    }

    /** Nothing decodable until a keyframe arrives: the sender should be asked for one (PLI). */
    boolean needsKeyframe() {
        return depacketizer.needsKeyframe();
    }

    long droppedFrames() {
        return depacketizer.droppedAccessUnits() + framesOutOfOrder + frames.framesWithoutParameterSets();
    }
}
