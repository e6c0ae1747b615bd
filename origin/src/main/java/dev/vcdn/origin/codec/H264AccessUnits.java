package dev.vcdn.origin.codec;

import dev.vcdn.origin.codec.AnnexB;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * H.264 that arrives as NAL units with in-band parameter sets (MPEG-TS, RTP) turned into our
 * media packets: SPS and PPS become a config packet (avcC) whenever they change, the other NAL
 * units a length-prefixed frame. Frames before the first complete parameter set cannot be
 * decoded and are counted instead.
 */
public final class H264AccessUnits {

    private static final int NAL_IDR = 5;
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    private static final int NAL_AUD = 9;

    private final Consumer<MediaPacket> out;
    private final TimeBase timeBase;
    private byte[] configuration;
    private long framesWithoutParameterSets;

    public H264AccessUnits(TimeBase timeBase, Consumer<MediaPacket> out) {
        this.timeBase = timeBase;
        this.out = out;
    }

    /** Frames dropped because no SPS/PPS had come yet (an encoder must repeat them with keyframes). */
    public long framesWithoutParameterSets() {
        return framesWithoutParameterSets;
    }

    /** One access unit's NAL units (without start codes or lengths), in decoding order. */
    public void accessUnit(List<byte[]> units, long dts, long pts) {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        ByteArrayOutputStream sample = new ByteArrayOutputStream();
        boolean keyframe = false;
        for (byte[] unit : units) {
            if (unit.length == 0) {
                continue;
            }
            int type = unit[0] & 0x1F;
            if (type == NAL_SPS || type == NAL_PPS) {
                headers.writeBytes(new byte[] {0, 0, 0, 1});
                headers.writeBytes(unit);
            } else if (type != NAL_AUD) {
                keyframe |= type == NAL_IDR;
                sample.write(unit.length >>> 24);
                sample.write(unit.length >>> 16);
                sample.write(unit.length >>> 8);
                sample.write(unit.length);
                sample.writeBytes(unit);
            }
        }
        if (headers.size() > 0) {
            try {
                byte[] avcc = AnnexB.avcDecoderConfiguration(headers.toByteArray());
                if (!Arrays.equals(avcc, configuration)) {
                    configuration = avcc;
                    out.accept(MediaPacket.config(Codec.H264, dts, timeBase, Payload.copyOf(avcc)));
                }
            } catch (IllegalArgumentException incomplete) {
                // an SPS without its PPS (or the reverse): the last complete set still holds
            }
        }
        if (configuration == null && sample.size() > 0) {
            framesWithoutParameterSets++;
        } else if (sample.size() > 0) {
            out.accept(MediaPacket.frame(Codec.H264, dts, Math.max(pts, dts), timeBase, keyframe,
                    Payload.copyOf(sample.toByteArray())));
        }
    }
}
