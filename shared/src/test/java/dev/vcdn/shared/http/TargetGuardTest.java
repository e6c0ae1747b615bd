package dev.vcdn.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetGuardTest {

    @Test
    void attacksAreSuspiciousOrdinaryTargetsAreNot() {
        for (String attack : new String[] {"/live/a/../../etc/passwd", "/live/a/%2e%2e/x", "/live/a%2Fb/master.m3u8",
                "/live//a/master.m3u8", "/live/a\\b", "/live/a%00/x", "live/a", "", "/live/a b", "/x/%5C"}) {
            assertThat(TargetGuard.isSuspicious(attack)).as(attack).isTrue();
        }
        for (String fine : new String[] {"/", "/watch/alice", "/live/alice/720p/index.m3u8?_HLS_msn=3&_HLS_part=1",
                "/player.css", "/api/streams"}) {
            assertThat(TargetGuard.isSuspicious(fine)).as(fine).isFalse();
        }
    }
}
