package dev.vcdn.origin.auth;

import dev.vcdn.origin.pipeline.ChannelFeatures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.stream.ChannelName;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelStoreTest {

    @Test
    void channelsAndKeysSurviveReopeningTheDatabase(@TempDir Path dataDir) throws Exception {
        String key;
        try (ChannelStore store = ChannelStore.open(dataDir)) {
            key = store.create(ChannelName.of("alice"), ChannelFeatures.of(false, true, true, false), false).orElseThrow().streamKey();
        }
        try (ChannelStore reopened = ChannelStore.open(dataDir)) {
            ChannelStore.Channel alice = reopened.findByKey(key).orElseThrow();
            assertThat(alice.name()).isEqualTo(ChannelName.of("alice"));
            assertThat(alice.features().codecs()).containsExactly("h264", "vp9");
            assertThat(alice.features().lowLatency()).isTrue();
            assertThat(reopened.findByKey(key + "x")).isEmpty();
            assertThat(reopened.list()).hasSize(1);
        }
    }

    @Test
    void onlyTheHashOfTheKeyIsStored(@TempDir Path dataDir) throws Exception {
        String key;
        try (ChannelStore store = ChannelStore.open(dataDir)) {
            key = store.create(ChannelName.of("bob"), ChannelFeatures.standard(), false).orElseThrow().streamKey();
        }
        byte[] database = java.nio.file.Files.readAllBytes(dataDir.resolve("auth.mv.db"));
        assertThat(new String(database, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(key.substring(3));
    }
}
