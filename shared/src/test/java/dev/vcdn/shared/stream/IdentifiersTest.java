package dev.vcdn.shared.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "news-24", "a", "under_score", "0123456789abcdefghijklmnopqrstuv"})
    void acceptsChannelNames(String name) {
        assertThat(ChannelName.of(name).value()).isEqualTo(name);
        assertThat(ChannelName.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alice", "a b", "..", "a/b", "a%2fb", "0123456789abcdefghijklmnopqrstuvw", "é", "a\u0000",
            "alice.m3u8"})
    void refusesEverythingElse(String name) {
        assertThat(ChannelName.isValid(name)).isFalse();
        assertThatThrownBy(() -> ChannelName.of(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("channel name '");
    }

    @ParameterizedTest
    @ValueSource(strings = {"source", "720p", "480p-av1", "audio"})
    void acceptsRenditionIds(String id) {
        assertThat(RenditionId.of(id).toString()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "720P", "../x", "index.m3u8"})
    void refusesBadRenditionIds(String id) {
        assertThatThrownBy(() -> RenditionId.of(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void errorMessagesDoNotEchoControlCharactersOrLongInput() {
        assertThatThrownBy(() -> ChannelName.of("x\r\nSet-Cookie: a=b" + "y".repeat(100)))
                .hasMessageContaining("x\\u000d\\u000aSet-Cookie")
                .hasMessageNotContaining("\r")
                .hasMessageContaining("...");
    }

    @org.junit.jupiter.api.Test
    void randomStreamIdsAreValidAndDistinct() {
        assertThat(StreamId.random()).isNotEqualTo(StreamId.random());
        assertThat(StreamId.of(StreamId.random().value())).isNotNull();
    }
}
