package dev.vcdn.origin.ingest.rtmp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * What real clients sent to the server, byte for byte (client to server only), recorded with a
 * TCP proxy in front of the origin:
 * <ul>
 *   <li>{@code ffmpeg-5.1-publish.bin}: Debian ffmpeg 5.1, {@code -f lavfi testsrc2 160x90@10 -c:v libx264 -g 10 -bf 2
 *       -f lavfi sine -c:a aac -t 1.5 -f flv rtmp://.../live/KEY}</li>
 *   <li>{@code gstreamer-1.22-rtmp2sink-publish.bin}: Debian GStreamer 1.22, {@code videotestsrc num-buffers=15
 *       160x90@10 ! x264enc key-int-max=10 ! flvmux ! rtmp2sink} with {@code audiotestsrc ! avenc_aac}</li>
 * </ul>
 */
record SessionFixtures(String name, byte[] bytes) {

    /** The stream key both sessions published with. */
    static final String KEY = "sk_pUKuoMuXfCqpm7_vnPSP5-HSzyXYHVTYhxonkvaJsz0";

    static final SessionFixtures FFMPEG = load("ffmpeg-5.1-publish.bin");
    static final SessionFixtures GSTREAMER = load("gstreamer-1.22-rtmp2sink-publish.bin");

    static SessionFixtures load(String name) {
        try (InputStream in = SessionFixtures.class.getResourceAsStream("/rtmp/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return new SessionFixtures(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] c0c1() {
        return Arrays.copyOfRange(bytes, 0, 1 + Handshake.PACKET_SIZE);
    }

    /** Everything after C0, C1 and C2: the chunk stream. */
    byte[] chunks() {
        return Arrays.copyOfRange(bytes, 1 + 2 * Handshake.PACKET_SIZE, bytes.length);
    }

    @Override
    public String toString() {
        return name;
    }
}
