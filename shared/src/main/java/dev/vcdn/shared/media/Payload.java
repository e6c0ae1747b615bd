package dev.vcdn.shared.media;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Immutable compressed bytes. One instance is handed to every consumer of a packet (transcoder,
 * taps, recorders) without a copy per consumer; nobody can change it after ingest built it.
 */
public final class Payload {

    private final byte[] bytes;

    private Payload(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code length} bytes of {@code source}: the caller may reuse its array afterwards. */
    public static Payload copyOf(byte[] source, int offset, int length) {
        return new Payload(Arrays.copyOfRange(source, offset, offset + length));
    }

    public static Payload copyOf(byte[] source) {
        return new Payload(source.clone());
    }

    public int size() {
        return bytes.length;
    }

    public byte byteAt(int index) {
        return bytes[index];
    }

    /** A read-only view on the bytes; no copy. */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    public void copyTo(int sourceOffset, byte[] target, int targetOffset, int length) {
        System.arraycopy(bytes, sourceOffset, target, targetOffset, length);
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Payload that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        int shown = Math.min(bytes.length, 16);
        return "Payload[" + bytes.length + " bytes: " + HexFormat.of().formatHex(bytes, 0, shown)
                + (shown < bytes.length ? "..." : "") + "]";
    }
}
