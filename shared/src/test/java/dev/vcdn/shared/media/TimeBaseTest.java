package dev.vcdn.shared.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimeBaseTest {

    @Test
    void millisecondsTo90kHz() {
        assertThat(TimeBase.MILLISECONDS.rescale(1_000, TimeBase.MPEG_90KHZ)).isEqualTo(90_000);
        assertThat(TimeBase.MILLISECONDS.rescale(33, TimeBase.MPEG_90KHZ)).isEqualTo(2_970);
    }

    @Test
    void roundsToNearest() {
        // 3003 / 90000 s = 33.366... ms
        assertThat(TimeBase.MPEG_90KHZ.rescale(3_003, TimeBase.MILLISECONDS)).isEqualTo(33);
        // 45 / 90000 s = 0.5 ms rounds up
        assertThat(TimeBase.MPEG_90KHZ.rescale(45, TimeBase.MILLISECONDS)).isEqualTo(1);
        assertThat(TimeBase.MPEG_90KHZ.rescale(-3_003, TimeBase.MILLISECONDS)).isEqualTo(-33);
    }

    @Test
    void largeValuesDoNotOverflow() {
        TimeBase nanos = new TimeBase(1, 1_000_000_000);
        long tenYearsMs = 10L * 365 * 24 * 3600 * 1000;
        assertThat(TimeBase.MILLISECONDS.rescale(tenYearsMs, nanos)).isEqualTo(tenYearsMs * 1_000_000);
        assertThat(nanos.rescale(Long.MAX_VALUE, TimeBase.MPEG_90KHZ)).isEqualTo(830_103_483_316_930L);
    }

    @Test
    void refusesNonPositiveParts() {
        assertThatThrownBy(() -> new TimeBase(0, 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TimeBase(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
