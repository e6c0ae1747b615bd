package dev.vcdn.edge.serve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResponsesTest {

    @Test
    void gzipIsTakenWhenNamedOrCoveredByAStarAndNotRefused() {
        assertThat(Responses.acceptsGzip("gzip, deflate, br")).isTrue();
        assertThat(Responses.acceptsGzip("br;q=1.0, GZIP;q=0.5")).isTrue();
        assertThat(Responses.acceptsGzip("*")).isTrue();
        assertThat(Responses.acceptsGzip("deflate, br")).isFalse();
        assertThat(Responses.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(Responses.acceptsGzip("gzip; q=0.000, identity")).isFalse();
        assertThat(Responses.acceptsGzip("*, gzip;q=0")).as("named and refused, whatever the star says").isFalse();
        assertThat(Responses.acceptsGzip("*;q=0, gzip")).as("named, whatever the star says").isTrue();
        assertThat(Responses.acceptsGzip("br, *;q=0")).isFalse();
        assertThat(Responses.acceptsGzip("")).isFalse();
        assertThat(Responses.acceptsGzip(null)).isFalse();
    }
}
