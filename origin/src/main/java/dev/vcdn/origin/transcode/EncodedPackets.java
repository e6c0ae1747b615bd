package dev.vcdn.origin.transcode;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import dev.vcdn.origin.ffmpeg.Ffmpeg;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

/** The receive half of FFmpeg's send/receive encoding loop, shared by every encoder here. */
final class EncodedPackets {

    private EncodedPackets() {
    }

    /**
     * Hands every packet {@code encoder} has ready to {@code handler} (valid during the call only),
     * until it wants more input or has finished.
     */
    static void drain(AVCodecContext encoder, AVPacket packet, String name, Consumer<AVPacket> handler) {
        while (true) {
            int result = avcodec_receive_packet(encoder, packet);
            if (result == Ffmpeg.EAGAIN || result == AVERROR_EOF) {
                return;
            }
            Ffmpeg.check(result, "avcodec_receive_packet(" + name + ")");
            try {
                handler.accept(packet);
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    static byte[] bytes(AVPacket packet) {
        byte[] bytes = new byte[packet.size()];
        packet.data().get(bytes);
        return bytes;
    }
}
