package dev.vcdn.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenPrefixTest {

    @Test
    void theTokenIsTheFirstSegmentAndTheRestThePlainPath() {
        TokenPrefix prefix = TokenPrefix.split("/t/abc.def-_/live/a/720p/index.m3u8?_HLS_msn=3").orElseThrow();
        assertThat(prefix.token()).isEqualTo("abc.def-_");
        assertThat(prefix.rest()).isEqualTo("/live/a/720p/index.m3u8?_HLS_msn=3");
        assertThat(TokenPrefix.under(prefix.token(), prefix.rest())).isEqualTo("/t/abc.def-_/live/a/720p/index.m3u8?_HLS_msn=3");
    }

    @Test
    void noTokenAnEmptyOneOrAnOversizedOneIsNoPrefix() {
        assertThat(TokenPrefix.split("/live/a/master.m3u8")).isEmpty();
        assertThat(TokenPrefix.split("/t//live/a/master.m3u8")).isEmpty();
        assertThat(TokenPrefix.split("/t/abc")).isEmpty();
        assertThat(TokenPrefix.split("/t/" + "a".repeat(TokenPrefix.MAX_TOKEN_LENGTH + 1) + "/live/a/master.m3u8")).isEmpty();
        assertThat(TokenPrefix.split("/t/" + "a".repeat(TokenPrefix.MAX_TOKEN_LENGTH) + "/live/a/master.m3u8")).isPresent();
    }
}
