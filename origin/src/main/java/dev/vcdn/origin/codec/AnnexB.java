package dev.vcdn.origin.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * H.264 byte-stream (start codes, what libx264 writes) to the ISO BMFF forms our media packets
 * carry: 4-byte length-prefixed NAL units and an AVCDecoderConfigurationRecord.
 */
public final class AnnexB {

    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    /** What avcC's fields can count: 5 bits of SPS, 8 bits of PPS, 16 bits of length each. */
    private static final int MAX_SPS = 31;
    private static final int MAX_PPS = 255;
    private static final int MAX_PARAMETER_SET_BYTES = 0xFFFF;

    private AnnexB() {
    }

    /** The NAL units between start codes (00 00 01 or 00 00 00 01), start codes removed. */
    public static List<byte[]> nalUnits(byte[] stream) {
        List<byte[]> units = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < stream.length) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                if (start >= 0) {
                    units.add(trimTrailingZeros(stream, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < stream.length) {
            units.add(Arrays.copyOfRange(stream, start, stream.length));
        }
        return units;
    }

    /** Each NAL unit with a 4-byte big-endian length in front. */
    public static byte[] toLengthPrefixed(byte[] stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(stream.length + 16);
        for (byte[] unit : nalUnits(stream)) {
            out.write(unit.length >>> 24);
            out.write(unit.length >>> 16);
            out.write(unit.length >>> 8);
            out.write(unit.length);
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    /**
     * avcC from the SPS and PPS of an encoder's global header (ISO/IEC 14496-15, 5.3.3.1).
     *
     * @throws IllegalArgumentException when there is no SPS or PPS, or more of them (or larger) than
     *                                  the record's fields can count: a publisher's headers are input
     */
    public static byte[] avcDecoderConfiguration(byte[] headers) {
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (byte[] unit : nalUnits(headers)) {
            if (unit.length == 0) {
                continue; // two start codes in a row
            }
            int type = unit[0] & 0x1F;
            if ((type == NAL_SPS || type == NAL_PPS) && unit.length > MAX_PARAMETER_SET_BYTES) {
                throw new IllegalArgumentException("an H.264 parameter set of " + unit.length + " bytes");
            }
            if (type == NAL_SPS) {
                sps.add(unit);
            } else if (type == NAL_PPS) {
                pps.add(unit);
            }
        }
        if (sps.isEmpty() || pps.isEmpty() || sps.get(0).length < 4) {
            throw new IllegalArgumentException("H.264 headers without SPS and PPS");
        }
        if (sps.size() > MAX_SPS || pps.size() > MAX_PPS) {
            throw new IllegalArgumentException("H.264 headers with " + sps.size() + " SPS and " + pps.size() + " PPS");
        }
        byte[] first = sps.get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);           // configurationVersion
        out.write(first[1]);    // AVCProfileIndication
        out.write(first[2]);    // profile_compatibility
        out.write(first[3]);    // AVCLevelIndication
        out.write(0xFF);        // 6 reserved bits + lengthSizeMinusOne = 3
        out.write(0xE0 | sps.size());
        for (byte[] unit : sps) {
            out.write(unit.length >>> 8);
            out.write(unit.length);
            out.writeBytes(unit);
        }
        out.write(pps.size());
        for (byte[] unit : pps) {
            out.write(unit.length >>> 8);
            out.write(unit.length);
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }

    private static byte[] trimTrailingZeros(byte[] stream, int from, int to) {
        int end = to;
        while (end > from && stream[end - 1] == 0) {
            end--;
        }
        return Arrays.copyOfRange(stream, from, end);
    }
}
