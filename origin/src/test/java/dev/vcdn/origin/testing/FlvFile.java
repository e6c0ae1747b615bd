package dev.vcdn.origin.testing;

import dev.vcdn.origin.ingest.rtmp.FlvMedia;
import dev.vcdn.shared.media.MediaPacket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Media packets from an FLV file, as RTMP ingest would hand them on: a publish without the network. */
public final class FlvFile {

    private FlvFile() {
    }

    /** Writes {@code seconds} of a test pattern (H.264 with B-frames, AAC) with the bundled ffmpeg. */
    public static Path generate(Path directory, String name, String size, int fps, int gop, int seconds) throws Exception {
        Path file = directory.resolve(name + ".flv");
        List<String> command = List.of(Publisher.bundledFfmpeg().toString(), "-hide_banner", "-loglevel", "error",
                "-nostdin", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", Integer.toString(gop), "-bf", "2", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "96k", "-t", Integer.toString(seconds), "-f", "flv", file.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg could not write " + file + ": " + output);
        }
        return file;
    }

    public static List<MediaPacket> packets(Path file) throws IOException {
        ByteBuffer flv = ByteBuffer.wrap(Files.readAllBytes(file));
        flv.position(flv.getInt(5) + 4); // header, then the first PreviousTagSize
        List<MediaPacket> packets = new ArrayList<>();
        while (flv.remaining() >= 11) {
            int type = flv.get() & 0x1F;
            int size = ((flv.get() & 0xFF) << 16) | ((flv.get() & 0xFF) << 8) | (flv.get() & 0xFF);
            long timestamp = ((flv.get() & 0xFFL) << 16) | ((flv.get() & 0xFFL) << 8) | (flv.get() & 0xFFL)
                    | ((flv.get() & 0xFFL) << 24);
            flv.position(flv.position() + 3);
            byte[] body = Arrays.copyOfRange(flv.array(), flv.position(), flv.position() + size);
            flv.position(flv.position() + size + 4);
            if (type == 8 || type == 9) {
                FlvMedia.parse(type, timestamp, body).ifPresent(packets::add);
            }
        }
        return packets;
    }
}
