package dev.vcdn.origin.codec;

import dev.vcdn.shared.media.Payload;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options libx264 writes into its first keyframe, as unregistered user data SEI (the text
 * {@code "x264 - core 164 - ... options: ... keyint=60 keyint_min=6 ..."}): OBS, ffmpeg, vMix and
 * GStreamer's x264enc all send it. Its {@code keyint} is the longest keyframe interval the
 * encoder will use, known at the first keyframe instead of after the second. Anything malformed
 * reads as "not declared"; nothing here throws on what a publisher sends.
 */
public final class X264Options {

    /** libx264's UUID for its SEI (x264/encoder/set.c). */
    private static final byte[] X264_UUID = {
        (byte) 0xdc, 0x45, (byte) 0xe9, (byte) 0xbd, (byte) 0xe6, (byte) 0xd9, 0x48, (byte) 0xb7,
        (byte) 0x96, 0x2c, (byte) 0xd8, 0x20, (byte) 0xd9, 0x23, (byte) 0xee, (byte) 0xef};
    private static final int NAL_SEI = 6;
    private static final int PAYLOAD_USER_DATA_UNREGISTERED = 5;
    /** x264's text is about 1 KB; an SEI NAL far larger than this is not its. */
    static final int MAX_SEI_BYTES = 16 * 1024;
    private static final Pattern KEYINT = Pattern.compile("(?:^| )keyint=(\\d{1,9}|infinite)(?: |$)");
    /** Keyframes that are not IDR frames: a segment cannot start at them (its first pictures would need the one before). */
    private static final Pattern NON_IDR_KEYFRAMES = Pattern.compile("(?:^| )(?:intra_refresh|open_gop)=1(?: |$)");
    /** The average (ABR, CBR) and the peak (VBV) x264 was told to keep, in kbit/s. */
    private static final Pattern RATE = Pattern.compile("(?<![^ ])(?:bitrate|vbv_maxrate)=(\\d{1,9})(?![^ ])");

    private X264Options() {
    }

    /**
     * The most frames between two keyframes that x264 declared in this frame's SEI: empty when the
     * frame carries none (another encoder, or not its first keyframe); {@link Long#MAX_VALUE} when
     * no interval will do: {@code keyint=infinite}, or keyframes that are not IDR frames
     * ({@code intra_refresh=1}, {@code open_gop=1}), which no segment can start at.
     *
     * @param frame            one access unit as length-prefixed NAL units
     * @param avcConfiguration the stream's avcC, which gives the size of those lengths
     */
    public static OptionalLong maxKeyframeInterval(Payload frame, Payload avcConfiguration) {
        return find(frame, avcConfiguration).map(found -> keyint(found.text())).orElse(OptionalLong.empty());
    }

    /**
     * The highest rate x264 was told to keep (its {@code bitrate} or {@code vbv_maxrate}, kbit/s)
     * as declared in this frame's SEI: empty without one, or when it keeps a quality rather than a
     * rate (CRF without VBV).
     */
    public static OptionalLong declaredBitrateKbps(Payload frame, Payload avcConfiguration) {
        return find(frame, avcConfiguration).map(found -> bitrateKbps(found.text())).orElse(OptionalLong.empty());
    }

    /**
     * The NAL unit (with its length in front) that carries x264's options in this frame, to be
     * put in front of a later keyframe when a stream is taken up from there.
     */
    public static Optional<byte[]> seiUnit(Payload frame, Payload avcConfiguration) {
        return find(frame, avcConfiguration).map(found -> {
            byte[] unit = new byte[found.end() - found.start()];
            frame.copyTo(found.start(), unit, 0, unit.length);
            return unit;
        });
    }

    /** Where x264's SEI unit is in the frame: from its length prefix to its end, and its text. */
    private record Found(int start, int end, String text) {
    }

    private static Optional<Found> find(Payload frame, Payload avcConfiguration) {
        if (avcConfiguration.size() < 5) {
            return Optional.empty();
        }
        int lengthSize = (avcConfiguration.byteAt(4) & 0x03) + 1; // lengthSizeMinusOne
        if (lengthSize == 3) {
            return Optional.empty(); // not a valid length size
        }
        int offset = 0;
        while (offset + lengthSize < frame.size()) {
            int start = offset;
            long length = 0;
            for (int i = 0; i < lengthSize; i++) {
                length = (length << 8) | (frame.byteAt(offset + i) & 0xFF);
            }
            offset += lengthSize;
            if (length <= 0 || length > frame.size() - offset) {
                return Optional.empty();
            }
            if ((frame.byteAt(offset) & 0x1F) == NAL_SEI && length <= MAX_SEI_BYTES) {
                Optional<String> text = fromSei(unescape(frame, offset + 1, (int) length - 1));
                if (text.isPresent() && keyint(text.get()).isPresent()) {
                    return Optional.of(new Found(start, offset + (int) length, text.get()));
                }
            }
            offset += (int) length;
        }
        return Optional.empty();
    }

    /** The RBSP of a NAL unit: emulation prevention bytes (00 00 03) taken out. */
    private static byte[] unescape(Payload frame, int from, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        int zeros = 0;
        for (int i = from; i < from + length; i++) {
            int b = frame.byteAt(i) & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out.write(b);
        }
        return out.toByteArray();
    }

    /** Walks the SEI messages of one NAL unit's RBSP (H.264 7.3.2.3) for x264's user data. */
    private static Optional<String> fromSei(byte[] rbsp) {
        int[] at = {0};
        while (at[0] < rbsp.length && (rbsp[at[0]] & 0xFF) != 0x80) { // 0x80: rbsp_trailing_bits
            int type = ffCoded(rbsp, at);
            int size = ffCoded(rbsp, at);
            if (type < 0 || size < 0 || size > rbsp.length - at[0]) {
                return Optional.empty();
            }
            int payload = at[0];
            if (type == PAYLOAD_USER_DATA_UNREGISTERED && size > X264_UUID.length && isX264(rbsp, payload)) {
                return Optional.of(new String(rbsp, payload + X264_UUID.length, size - X264_UUID.length,
                        StandardCharsets.ISO_8859_1));
            }
            at[0] += size;
        }
        return Optional.empty();
    }

    /**
     * An SEI payload type or size as coded: a 255 for each 0xFF byte, plus the byte after them
     * (H.264 7.3.2.3.1). Moves {@code at} past it; -1 when the bytes run out first.
     */
    private static int ffCoded(byte[] rbsp, int[] at) {
        int value = 0;
        while (at[0] < rbsp.length && (rbsp[at[0]] & 0xFF) == 0xFF) {
            value += 255;
            at[0]++;
        }
        return at[0] < rbsp.length ? value + (rbsp[at[0]++] & 0xFF) : -1;
    }

    private static boolean isX264(byte[] rbsp, int offset) {
        for (int i = 0; i < X264_UUID.length; i++) {
            if (rbsp[offset + i] != X264_UUID[i]) {
                return false;
            }
        }
        return true;
    }

    static OptionalLong bitrateKbps(String text) {
        int options = text.indexOf("options: ");
        if (options < 0) {
            return OptionalLong.empty();
        }
        Matcher matcher = RATE.matcher(text.substring(options + "options: ".length()).replace('\0', ' '));
        long highest = 0;
        while (matcher.find()) {
            highest = Math.max(highest, Long.parseLong(matcher.group(1)));
        }
        return highest > 0 ? OptionalLong.of(highest) : OptionalLong.empty();
    }

    static OptionalLong keyint(String text) {
        int options = text.indexOf("options: ");
        if (options < 0) {
            return OptionalLong.empty();
        }
        String declared = text.substring(options + "options: ".length()).replace('\0', ' ');
        Matcher matcher = KEYINT.matcher(declared);
        if (!matcher.find()) {
            return OptionalLong.empty();
        }
        String value = matcher.group(1);
        long frames = value.equals("infinite") ? Long.MAX_VALUE : Long.parseLong(value);
        if (frames < 1) {
            return OptionalLong.empty(); // not what x264 writes: nothing declared
        }
        return OptionalLong.of(NON_IDR_KEYFRAMES.matcher(declared).find() ? Long.MAX_VALUE : frames);
    }
}
