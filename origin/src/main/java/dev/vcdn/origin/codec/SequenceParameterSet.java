package dev.vcdn.origin.codec;

import java.util.Arrays;

/**
 * What an H.264 sequence parameter set says of the pictures, read up to {@code frame_mbs_only_flag}
 * (H.264 7.3.2.1.1): chroma format, bit depth, size in macroblocks, and whether pictures may be
 * coded as fields (interlaced), which many devices show combed or not at all. Pure code over the
 * bytes a publisher sent: anything malformed is an {@link IllegalArgumentException}.
 *
 * @param chromaFormat       0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4
 * @param bitDepthLuma       8 for what every device decodes
 * @param widthInMacroblocks  the coded width in 16-pixel macroblocks (before cropping)
 * @param frameMbsOnly       false: pictures may be coded as fields (interlaced)
 */
public record SequenceParameterSet(int profileIdc, int chromaFormat, int bitDepthLuma, int bitDepthChroma,
                                   int widthInMacroblocks, boolean frameMbsOnly) {

    private static final int NAL_SPS = 7;
    /** More entries than this in the picture order count cycle is malformed (the spec allows 255). */
    private static final int MAX_REF_FRAMES_IN_CYCLE = 255;
    /** H.264 goes to 14 bits. */
    private static final int MAX_BIT_DEPTH = 14;
    /** 16,384 pixels: wider than any picture an encoder sends (8K is 7,680). */
    private static final int MAX_WIDTH_IN_MACROBLOCKS = 1024;

    /** The first SPS of an AVCDecoderConfigurationRecord (avcC). */
    public static SequenceParameterSet fromAvcC(byte[] avcC) {
        if (avcC.length < 8 || avcC[0] != 1) {
            throw new IllegalArgumentException("not an AVCDecoderConfigurationRecord");
        }
        if ((avcC[5] & 0x1F) == 0) {
            throw new IllegalArgumentException("avcC without a sequence parameter set");
        }
        int length = ((avcC[6] & 0xFF) << 8) | (avcC[7] & 0xFF);
        if (length < 4 || 8 + length > avcC.length) {
            throw new IllegalArgumentException("avcC sequence parameter set of " + length + " bytes in " + avcC.length);
        }
        byte[] nal = new byte[length];
        System.arraycopy(avcC, 8, nal, 0, length);
        return parse(nal);
    }

    /** One SPS NAL unit, its one-byte header first, as carried in avcC (emulation prevention bytes still in). */
    public static SequenceParameterSet parse(byte[] nal) {
        if (nal.length < 4 || (nal[0] & 0x1F) != NAL_SPS) {
            throw new IllegalArgumentException("not a sequence parameter set");
        }
        Bits bits = new Bits(unescape(nal));
        bits.skip(8); // NAL header
        int profileIdc = bits.read(8);
        bits.skip(16); // constraint flags, level
        bits.ue(); // seq_parameter_set_id
        int chromaFormat = 1;
        int bitDepthLuma = 8;
        int bitDepthChroma = 8;
        if (hasChromaInfo(profileIdc)) {
            chromaFormat = bits.ue();
            if (chromaFormat > 3) {
                throw new IllegalArgumentException("chroma_format_idc " + chromaFormat);
            }
            if (chromaFormat == 3) {
                bits.skip(1); // separate_colour_plane_flag
            }
            bitDepthLuma = 8 + bounded(bits.ue(), MAX_BIT_DEPTH - 8, "bit_depth_luma_minus8");
            bitDepthChroma = 8 + bounded(bits.ue(), MAX_BIT_DEPTH - 8, "bit_depth_chroma_minus8");
            bits.skip(1); // qpprime_y_zero_transform_bypass_flag
            if (bits.read(1) == 1) {
                skipScalingMatrix(bits, chromaFormat == 3 ? 12 : 8);
            }
        }
        bits.ue(); // log2_max_frame_num_minus4
        int pictureOrderCountType = bits.ue();
        if (pictureOrderCountType == 0) {
            bits.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pictureOrderCountType == 1) {
            bits.skip(1); // delta_pic_order_always_zero_flag
            bits.se(); // offset_for_non_ref_pic
            bits.se(); // offset_for_top_to_bottom_field
            int cycle = bits.ue();
            if (cycle > MAX_REF_FRAMES_IN_CYCLE) {
                throw new IllegalArgumentException("num_ref_frames_in_pic_order_cnt_cycle " + cycle);
            }
            for (int i = 0; i < cycle; i++) {
                bits.se();
            }
        } else if (pictureOrderCountType != 2) {
            throw new IllegalArgumentException("pic_order_cnt_type " + pictureOrderCountType);
        }
        bits.ue(); // max_num_ref_frames
        bits.skip(1); // gaps_in_frame_num_value_allowed_flag
        int widthInMacroblocks = bounded(bits.ue(), MAX_WIDTH_IN_MACROBLOCKS - 1, "pic_width_in_mbs_minus1") + 1;
        bits.ue(); // pic_height_in_map_units_minus1
        boolean frameMbsOnly = bits.read(1) == 1;
        return new SequenceParameterSet(profileIdc, chromaFormat, bitDepthLuma, bitDepthChroma, widthInMacroblocks, frameMbsOnly);
    }

    private static int bounded(int value, int max, String field) {
        if (value > max) {
            throw new IllegalArgumentException(field + " " + value);
        }
        return value;
    }

    /** The High profiles and their relatives carry chroma format and bit depth; the others are 8-bit 4:2:0. */
    private static boolean hasChromaInfo(int profileIdc) {
        return switch (profileIdc) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135, 144 -> true;
            default -> false;
        };
    }

    private static void skipScalingMatrix(Bits bits, int lists) {
        for (int i = 0; i < lists; i++) {
            if (bits.read(1) == 1) {
                int size = i < 6 ? 16 : 64;
                int last = 8;
                int next = 8;
                for (int j = 0; j < size && next != 0; j++) {
                    next = Math.floorMod(last + bits.se(), 256);
                    last = next == 0 ? last : next;
                }
            }
        }
    }

    /** The RBSP: every 0x000003 loses its 03. */
    private static byte[] unescape(byte[] nal) {
        byte[] out = new byte[nal.length];
        int length = 0;
        int zeros = 0;
        for (byte b : nal) {
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[length++] = b;
        }
        return Arrays.copyOf(out, length);
    }

    /** Reads bits most significant first; past the end is malformed. */
    private static final class Bits {

        private static final int MAX_LEADING_ZEROS = 31;

        private final byte[] bytes;
        private long position;

        Bits(byte[] bytes) {
            this.bytes = bytes;
        }

        int read(int count) {
            int value = 0;
            for (int i = 0; i < count; i++) {
                value = (value << 1) | bit();
            }
            return value;
        }

        void skip(int count) {
            read(count);
        }

        private int bit() {
            if (position >= (long) bytes.length * 8) {
                throw new IllegalArgumentException("sequence parameter set ends early");
            }
            int value = (bytes[(int) (position >>> 3)] >>> (7 - (position & 7))) & 1;
            position++;
            return value;
        }

        /** Unsigned exp-Golomb. */
        int ue() {
            int zeros = 0;
            while (bit() == 0) {
                if (++zeros > MAX_LEADING_ZEROS) {
                    throw new IllegalArgumentException("exp-Golomb code longer than 32 bits");
                }
            }
            long value = (1L << zeros) - 1 + (zeros == 0 ? 0 : Integer.toUnsignedLong(read(zeros)));
            if (value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("exp-Golomb value " + value);
            }
            return (int) value;
        }

        /** Signed exp-Golomb. */
        int se() {
            int code = ue();
            return (code & 1) == 1 ? (code + 1) / 2 : -(code / 2);
        }
    }
}
