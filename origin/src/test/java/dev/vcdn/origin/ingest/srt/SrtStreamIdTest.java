package dev.vcdn.origin.ingest.srt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SrtStreamIdTest {

    @Test
    void readsResourceAndMode() {
        assertThat(SrtStreamId.parse("#!::r=live/sk_abc,m=publish")).hasValueSatisfying(id -> {
            assertThat(id.app()).isEqualTo("live");
            assertThat(id.key()).isEqualTo("sk_abc");
            assertThat(id.publishes()).isTrue();
        });
        assertThat(SrtStreamId.parse("#!::m=publish,u=alice,r=live/k").orElseThrow().key()).isEqualTo("k");
        assertThat(SrtStreamId.parse("#!::r=live/k").orElseThrow().publishes()).as("default mode: request").isFalse();
    }

    @Test
    void refusesWhatIsNotTheAccessControlSyntax() {
        assertThat(SrtStreamId.parse("live/sk_abc")).isEmpty();
        assertThat(SrtStreamId.parse("#!::m=publish")).as("no resource").isEmpty();
        assertThat(SrtStreamId.parse("#!::r=live,m=publish")).as("no key").isEmpty();
        assertThat(SrtStreamId.parse("#!::r=/k,m=publish")).as("no app").isEmpty();
        assertThat(SrtStreamId.parse("#!::r=live/,m=publish")).isEmpty();
        assertThat(SrtStreamId.parse("#!::r=live/a,r=live/b")).as("a key twice").isEmpty();
        assertThat(SrtStreamId.parse("#!::r=live/a,garbage")).isEmpty();
        assertThat(SrtStreamId.parse("#!::r=live/" + "k".repeat(600))).as("over 512 characters").isEmpty();
    }
}
