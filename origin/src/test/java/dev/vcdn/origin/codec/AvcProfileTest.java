package dev.vcdn.origin.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AvcProfileTest {

    private static byte[] avcC(int profile, int constraints, int level) {
        return new byte[] {1, (byte) profile, (byte) constraints, (byte) level, (byte) 0xFF, (byte) 0xE1};
    }

    @Test
    void baselineMainAndHighUpToLevel52PlayEverywhere() {
        assertThat(AvcProfile.of(avcC(66, 0xC0, 30)).playableEverywhere()).as("Constrained Baseline 3.0").isTrue();
        assertThat(AvcProfile.of(avcC(77, 0x40, 31)).playableEverywhere()).as("Main 3.1").isTrue();
        assertThat(AvcProfile.of(avcC(100, 0, 52)).playableEverywhere()).as("High 5.2").isTrue();
    }

    @Test
    void highBitDepthsOtherChromaAndHugeLevelsDoNot() {
        assertThat(AvcProfile.of(avcC(0xF4, 0, 30)).playableEverywhere()).as("High 4:4:4 Predictive (avc1.f4001e)").isFalse();
        assertThat(AvcProfile.of(avcC(110, 0, 40)).playableEverywhere()).as("High 10").isFalse();
        assertThat(AvcProfile.of(avcC(122, 0, 40)).playableEverywhere()).as("High 4:2:2").isFalse();
        assertThat(AvcProfile.of(avcC(88, 0, 30)).playableEverywhere()).as("Extended").isFalse();
        assertThat(AvcProfile.of(avcC(100, 0, 60)).playableEverywhere()).as("High 6.0").isFalse();
    }

    @Test
    void aRecordTooShortOrOfAnotherVersionIsRefused() {
        assertThatThrownBy(() -> AvcProfile.of(new byte[] {1, 100, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AvcProfile.of(new byte[] {2, 100, 0, 31})).isInstanceOf(IllegalArgumentException.class);
    }
}
