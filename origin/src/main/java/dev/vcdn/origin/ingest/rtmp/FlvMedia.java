package dev.vcdn.origin.ingest.rtmp;

import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns the body of an RTMP audio or video message (an FLV tag body) into a {@link MediaPacket}.
 *
 * <p>Classic FLV: H.264 (codec id 7) and AAC (sound format 10). Enhanced RTMP: video with the
 * ex-header bit and a FourCC ({@code avc1}, {@code hvc1}, {@code av01}, {@code vp09}), audio with
 * sound format 9 and a FourCC ({@code mp4a}, {@code Opus}). Anything else is refused with
 * {@link UnsupportedMediaException}, never dropped silently; truncated bodies are protocol errors.
 * Signals that carry no media (end of sequence, video info frames, HDR metadata) give empty.
 */
public final class FlvMedia {

    private static final int AVC = 7;
    private static final int AAC = 10;
    private static final int EX_AUDIO = 9;
    private static final int KEY_FRAME = 1;
    private static final int COMMAND_FRAME = 5;

    private FlvMedia() {
    }

    /** @param timestamp decode time in milliseconds, already unwrapped past 32 bits */
    public static Optional<MediaPacket> parse(int typeId, long timestamp, byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        return switch (typeId) {
            case MessageType.VIDEO -> video(timestamp, body);
            case MessageType.AUDIO -> audio(timestamp, body);
            default -> throw new IllegalArgumentException("not a media message: type " + typeId);
        };
    }

    private static Optional<MediaPacket> video(long dts, byte[] body) {
        int first = body[0] & 0xFF;
        if ((first & 0x80) != 0) {
            return enhancedVideo(dts, body, (first >>> 4) & 0x07, first & 0x0F);
        }
        int frameType = first >>> 4;
        int codecId = first & 0x0F;
        if (frameType == COMMAND_FRAME) {
            return Optional.empty();
        }
        if (codecId != AVC) {
            throw new UnsupportedMediaException("video codec id " + codecId + " is not supported; send H.264, HEVC, AV1 or VP9");
        }
        require(body, 5, "AVC video tag header");
        int packetType = body[1] & 0xFF;
        return switch (packetType) {
            case 0 -> Optional.of(MediaPacket.config(Codec.H264, dts, TimeBase.MILLISECONDS, rest(body, 5)));
            case 1 -> Optional.of(MediaPacket.frame(Codec.H264, dts, dts + signed24(body, 2), TimeBase.MILLISECONDS,
                    frameType == KEY_FRAME, rest(body, 5)));
            case 2 -> Optional.empty();
            default -> throw new RtmpProtocolException("AVC packet type " + packetType);
        };
    }

    private static Optional<MediaPacket> enhancedVideo(long dts, byte[] body, int frameType, int packetType) {
        require(body, 5, "enhanced video tag header");
        String fourCc = new String(body, 1, 4, StandardCharsets.US_ASCII);
        Codec codec = Codec.fromFourCc(fourCc).filter(c -> c.kind() == MediaKind.VIDEO)
                .orElseThrow(() -> new UnsupportedMediaException("video FourCC '" + printable(fourCc)
                        + "' is not supported; send avc1, hvc1, av01 or vp09"));
        if (frameType == COMMAND_FRAME) {
            return Optional.empty();
        }
        boolean keyframe = frameType == KEY_FRAME;
        return switch (packetType) {
            case 0 -> Optional.of(MediaPacket.config(codec, dts, TimeBase.MILLISECONDS, rest(body, 5)));
            case 1 -> {
                if (codec == Codec.H264 || codec == Codec.HEVC) {
                    require(body, 8, "composition time");
                    yield Optional.of(MediaPacket.frame(codec, dts, dts + signed24(body, 5), TimeBase.MILLISECONDS,
                            keyframe, rest(body, 8)));
                }
                yield Optional.of(MediaPacket.frame(codec, dts, dts, TimeBase.MILLISECONDS, keyframe, rest(body, 5)));
            }
            case 3 -> Optional.of(MediaPacket.frame(codec, dts, dts, TimeBase.MILLISECONDS, keyframe, rest(body, 5)));
            case 2, 4 -> Optional.empty(); // end of sequence; HDR metadata
            case 5 -> throw new UnsupportedMediaException("AV1 configuration in MPEG-2 TS form is not supported");
            case 6 -> throw new UnsupportedMediaException("multitrack video is not supported");
            default -> throw new UnsupportedMediaException("enhanced video packet type " + packetType + " is not supported");
        };
    }

    private static Optional<MediaPacket> audio(long dts, byte[] body) {
        int format = (body[0] & 0xFF) >>> 4;
        if (format == AAC) {
            require(body, 2, "AAC audio tag header");
            int packetType = body[1] & 0xFF;
            return switch (packetType) {
                case 0 -> Optional.of(MediaPacket.config(Codec.AAC, dts, TimeBase.MILLISECONDS, rest(body, 2)));
                case 1 -> Optional.of(MediaPacket.frame(Codec.AAC, dts, dts, TimeBase.MILLISECONDS, false, rest(body, 2)));
                default -> throw new RtmpProtocolException("AAC packet type " + packetType);
            };
        }
        if (format == EX_AUDIO) {
            require(body, 5, "enhanced audio tag header");
            String fourCc = new String(body, 1, 4, StandardCharsets.US_ASCII);
            Codec codec = Codec.fromFourCc(fourCc).filter(c -> c.kind() == MediaKind.AUDIO)
                    .orElseThrow(() -> new UnsupportedMediaException("audio FourCC '" + printable(fourCc)
                            + "' is not supported; send AAC (mp4a) or Opus"));
            int packetType = body[0] & 0x0F;
            return switch (packetType) {
                case 0 -> Optional.of(MediaPacket.config(codec, dts, TimeBase.MILLISECONDS, rest(body, 5)));
                case 1 -> Optional.of(MediaPacket.frame(codec, dts, dts, TimeBase.MILLISECONDS, false, rest(body, 5)));
                // Sequence end; the channel order of multichannel audio (ffmpeg 8 sends it for Opus),
                // which the decoder also reads from the Opus header.
                case 2, 4 -> Optional.empty();
                default -> throw new UnsupportedMediaException("enhanced audio packet type " + packetType + " is not supported");
            };
        }
        throw new UnsupportedMediaException("audio format " + format + " is not supported; send AAC");
    }

    /** Bytes after the tag header; refused when empty since a frame or config without bytes means nothing. */
    private static Payload rest(byte[] body, int from) {
        if (body.length <= from) {
            throw new RtmpProtocolException("media tag without payload");
        }
        return Payload.copyOf(body, from, body.length - from);
    }

    private static int signed24(byte[] body, int at) {
        int value = ((body[at] & 0xFF) << 16) | ((body[at + 1] & 0xFF) << 8) | (body[at + 2] & 0xFF);
        return (value << 8) >> 8;
    }

    private static void require(byte[] body, int length, String what) {
        if (body.length < length) {
            throw new RtmpProtocolException("truncated " + what + ": " + body.length + " bytes");
        }
    }

    private static String printable(String fourCc) {
        return fourCc.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? fourCc : "?";
    }
}
