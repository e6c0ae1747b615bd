package dev.vcdn.shared.hls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveEdgeTest {

    @Test
    void partsJustAheadMayBeHeldOthersNot() {
        LiveEdge edge = new LiveEdge(12, 3);
        assertThat(edge.mayHold(12, 4)).as("the preload hint").isTrue();
        assertThat(edge.mayHold(12, 7)).isTrue();
        assertThat(edge.mayHold(12, 8)).isFalse();
        assertThat(edge.mayHold(12, 3)).as("already there").isFalse();
        assertThat(edge.mayHold(13, 3)).as("the next segment's first parts").isTrue();
        assertThat(edge.mayHold(13, 4)).isFalse();
        assertThat(edge.mayHold(14, 0)).isFalse();
        assertThat(LiveEdge.NONE.mayHold(0, 0)).as("before the first part").isTrue();
        assertThat(LiveEdge.NONE.mayHold(1, 0)).isFalse();
    }

    @Test
    void blockingReloadsMoreThanTwoSegmentsAheadAreRefused() {
        LiveEdge edge = new LiveEdge(12, 3);
        assertThat(edge.tooFarAhead(14)).isFalse();
        assertThat(edge.tooFarAhead(15)).isTrue();
        assertThat(LiveEdge.NONE.tooFarAhead(1)).isFalse();
        assertThat(LiveEdge.NONE.tooFarAhead(2)).isTrue();
    }
}
