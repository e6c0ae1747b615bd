package dev.vcdn.origin.codec;

/**
 * What an H.264 decoder configuration (avcC) says a stream needs of a decoder: its profile,
 * constraint flags and level.
 *
 * @param profileIdc      66 Baseline, 77 Main, 100 High; 110 High 10, 122 High 4:2:2, 244 High 4:4:4...
 * @param constraintFlags constraint_set0..5 flags (bit 6 of the byte: Constrained Baseline)
 * @param levelIdc        ten times the level (31 is 3.1)
 */
public record AvcProfile(int profileIdc, int constraintFlags, int levelIdc) {

    /** 4K at 60 fps; beyond it (level 6 and up) few decoders go. */
    public static final int HIGHEST_PLAYABLE_LEVEL = 52;

    /** @throws IllegalArgumentException on a record too short or of another version */
    public static AvcProfile of(byte[] avcC) {
        if (avcC.length < 4 || avcC[0] != 1) {
            throw new IllegalArgumentException("not an AVCDecoderConfigurationRecord");
        }
        return new AvcProfile(avcC[1] & 0xFF, avcC[2] & 0xFF, avcC[3] & 0xFF);
    }

    /**
     * Baseline, Main or High (which are 8-bit 4:2:0 by definition) at a level every device's
     * hardware decoder takes: what may be passed to viewers as it came. High 10, 4:2:2 and 4:4:4
     * (GStreamer's x264enc from a test source sends High 4:4:4 Predictive) are decoded by few
     * phones and TVs.
     */
    public boolean playableEverywhere() {
        return (profileIdc == 66 || profileIdc == 77 || profileIdc == 100) && levelIdc <= HIGHEST_PLAYABLE_LEVEL;
    }

    @Override
    public String toString() {
        return "profile_idc " + profileIdc + " level_idc " + levelIdc;
    }
}
