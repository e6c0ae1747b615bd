package dev.vcdn.origin.ingest.rtmp;

import dev.vcdn.shared.media.MediaPacket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Media packets from an FLV file, as RTMP ingest would hand them on: a recorded publish without
 * the network, for tests and benchmarks.
 */
public final class FlvFile {

    private FlvFile() {
    }

    /** Every audio and video packet of {@code file}, in file order. */
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
