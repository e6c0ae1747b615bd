package dev.vcdn.origin.testing;

import dev.vcdn.shared.testing.BrowserScripts;
import java.nio.file.Path;
import java.util.List;

/** The origin's browser scripts (src/test/hlsjs): hls.js playback and a WHIP publisher, in Debian's Chromium. */
public final class HlsjsScripts {

    private HlsjsScripts() {
    }

    public static BrowserScripts prepare() throws Exception {
        return BrowserScripts.prepare(Path.of("src/test/hlsjs"), Path.of("target/hlsjs-check"),
                List.of("package.json", "package-lock.json", "play.mjs", "whip.mjs"), List.of(Path.of("/usr/bin/ffmpeg")));
    }
}
