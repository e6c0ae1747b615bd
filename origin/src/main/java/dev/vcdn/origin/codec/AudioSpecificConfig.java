package dev.vcdn.origin.codec;

/** The two fields of an MPEG-4 AudioSpecificConfig the mp4 muxer needs beside the bytes themselves. */
public final class AudioSpecificConfig {

    private static final int EXPLICIT_RATE = 15;
    private static final int[] SAMPLE_RATES = {96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000,
        12_000, 11_025, 8_000, 7_350};

    private AudioSpecificConfig() {
    }

    private static int rateIndex(byte[] config) {
        if (config.length < 2) {
            throw new IllegalArgumentException("AudioSpecificConfig shorter than 2 bytes");
        }
        return ((config[0] & 0x07) << 1) | ((config[1] & 0x80) >>> 7);
    }

    public static int sampleRate(byte[] config) {
        int index = rateIndex(config);
        if (index == EXPLICIT_RATE) {
            if (config.length < 5) {
                throw new IllegalArgumentException("AudioSpecificConfig with an explicit rate is too short");
            }
            return ((config[1] & 0x7F) << 17) | ((config[2] & 0xFF) << 9) | ((config[3] & 0xFF) << 1) | ((config[4] & 0x80) >>> 7);
        }
        if (index >= SAMPLE_RATES.length) {
            throw new IllegalArgumentException("AudioSpecificConfig sample rate index " + index);
        }
        return SAMPLE_RATES[index];
    }

    /** Channel count from channelConfiguration (7 means 7.1, i.e. 8); 0 (given elsewhere) counts as stereo. */
    public static int channels(byte[] config) {
        return switch (channelConfiguration(config)) {
            case 0 -> 2;
            case 7 -> 8;
            default -> channelConfiguration(config);
        };
    }

    /** The channelConfiguration field as written: 1 mono, 2 stereo, 6 is 5.1, 0 means a program config element says. */
    public static int channelConfiguration(byte[] config) {
        if (rateIndex(config) == EXPLICIT_RATE) {
            if (config.length < 5) {
                throw new IllegalArgumentException("AudioSpecificConfig with an explicit rate is too short");
            }
            return (config[4] >>> 3) & 0x0F;
        }
        return (config[1] >>> 3) & 0x0F;
    }
}
