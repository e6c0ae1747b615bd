package dev.vcdn.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TargetGuardTest {

    @Test
    void attacksAreSuspiciousOrdinaryTargetsAreNot() {
        for (String attack : new String[] {"/live/a/../../etc/passwd", "/live/a/%2e%2e/x", "/live/a%2Fb/master.m3u8",
                "/live//a/master.m3u8", "/live/a\\b", "/live/a%00/x", "live/a", "", "/live/a b", "/x/%5C", "/x/%2E",
                "/x?a=\u0001"}) {
            assertThat(TargetGuard.isSuspicious(attack)).as(attack).isTrue();
        }
        for (String fine : new String[] {"/", "/watch/alice", "/live/alice/720p/index.m3u8?_HLS_msn=3&_HLS_part=1",
                "/player.css", "/api/streams", "/t/eyJ.abc-_.x/live/a/master.m3u8", "/x?q=..//%2e", "/x/%2", "/x/%25"}) {
            assertThat(TargetGuard.isSuspicious(fine)).as(fine).isFalse();
        }
    }

    /** The guard's one-pass scan says what the plain definition says, for random targets over the characters that matter. */
    @Test
    void theScanAgreesWithThePlainDefinition() {
        Random random = new Random(7);
        String alphabet = "/./%2eEfFc5C0\\?a \u007f";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder target = new StringBuilder(random.nextInt(4) == 0 ? "" : "/");
            for (int n = random.nextInt(10); n > 0; n--) {
                target.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(TargetGuard.isSuspicious(target.toString())).as(target.toString()).isEqualTo(plainly(target.toString()));
        }
    }

    private static boolean plainly(String target) {
        if (target.isEmpty() || target.charAt(0) != '/') {
            return true;
        }
        int question = target.indexOf('?');
        String path = (question < 0 ? target : target.substring(0, question)).toLowerCase(Locale.ROOT);
        return path.contains("..") || path.contains("//") || path.contains("\\") || path.contains("%2e") || path.contains("%2f")
                || path.contains("%5c") || path.contains("%00") || target.chars().anyMatch(c -> c < 0x21 || c == 0x7f);
    }
}
