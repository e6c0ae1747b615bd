package dev.vcdn.origin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PublishRequestTest {

    @Test
    void aBackupIsTheSameKeyWithBackupAfterIt() {
        PublishRequest backup = PublishRequest.fromTypedKey("rtmp", "live", "sk_abc?backup", "10.0.0.1");
        assertThat(backup.streamKey()).isEqualTo("sk_abc");
        assertThat(backup.backup()).isTrue();
        assertThat(backup.toJson().getBoolean("backup")).isTrue();
        assertThat(PublishRequest.fromTypedKey("srt", "live", "sk_abc?x=1&backup=true", "10.0.0.1").backup()).isTrue();

        PublishRequest primary = PublishRequest.fromTypedKey("rtmp", "live", "sk_abc?x=1", "10.0.0.1");
        assertThat(primary.streamKey()).as("parameters are not part of the key").isEqualTo("sk_abc");
        assertThat(primary.backup()).isFalse();
        assertThat(primary.toJson().containsKey("backup")).as("a primary's auth call is as it always was").isFalse();
        assertThat(PublishRequest.fromTypedKey("rtmp", "live", "sk_abc?backups", "10.0.0.1").backup()).isFalse();
        assertThat(PublishRequest.fromTypedKey("rtmp", "live", "sk_abc?backup=0", "10.0.0.1").backup()).isFalse();
        assertThat(PublishRequest.fromTypedKey("rtmp", "live", "sk_abc?backup=false", "10.0.0.1").backup()).isFalse();
        assertThat(PublishRequest.fromTypedKey("rtmp", "live", "sk_abc", "10.0.0.1").backup()).isFalse();
    }
}
