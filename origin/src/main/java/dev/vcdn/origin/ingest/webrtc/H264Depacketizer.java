package dev.vcdn.origin.ingest.webrtc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * H.264 out of RTP (RFC 6184, packetization-mode 1): single NAL unit packets, STAP-A aggregates
 * and FU-A fragments, gathered into access units by RTP timestamp and marker bit. Packets come in
 * sequence order (after the reorder buffer); a gap it gives up on damages the access unit being
 * gathered, which is dropped, and nothing is handed on until the next keyframe, which is asked
 * for (PLI) by whoever watches {@link #needsKeyframe}.
 */
public final class H264Depacketizer {

    /** One access unit: its NAL units and RTP timestamp (90 kHz). */
    public record AccessUnit(List<byte[]> nalUnits, long rtpTimestamp, boolean keyframe) {
    }

    public interface Output {
        void accessUnit(AccessUnit unit);
    }

    static final int MAX_ACCESS_UNIT_BYTES = 4 << 20;
    static final int MAX_NAL_UNITS = 1024;
    private static final int STAP_A = 24;
    private static final int FU_A = 28;
    private static final int NAL_IDR = 5;

    private final Output output;
    private final List<byte[]> units = new ArrayList<>();
    private int bytes;
    private long timestamp = -1;
    private boolean damaged;
    private byte[] fragment;
    private int fragmentLength;
    private boolean waitingForKeyframe = true;
    private long droppedAccessUnits;

    public H264Depacketizer(Output output) {
        this.output = output;
    }

    /** True until a keyframe got through since the start or the last loss: time to send a PLI. */
    public boolean needsKeyframe() {
        return waitingForKeyframe;
    }

    /** Access units dropped: damaged by loss, oversized, or waiting for a keyframe. */
    public long droppedAccessUnits() {
        return droppedAccessUnits;
    }

    /** Packets were given up on before the next one: what is being gathered is incomplete. */
    public void lost() {
        damaged = true;
        fragment = null;
    }

    public void packet(RtpPacket packet) {
        if (timestamp >= 0 && packet.timestamp() != timestamp) {
            finish(); // the previous unit's marker packet was lost, or the sender set none
        }
        timestamp = packet.timestamp();
        if (packet.payloadLength() < 1) {
            damaged = true;
        } else {
            int type = packet.payloadByte(0) & 0x1F;
            switch (type) {
                case STAP_A -> aggregate(packet);
                case FU_A -> fragment(packet);
                default -> {
                    if (type >= 1 && type <= 23) {
                        add(Arrays.copyOfRange(packet.bytes(), packet.payloadOffset(), packet.payloadOffset() + packet.payloadLength()));
                    } else {
                        damaged = true; // STAP-B, MTAP, FU-B: not in packetization-mode 1
                    }
                }
            }
        }
        if (packet.marker()) {
            finish();
        }
    }

    private void aggregate(RtpPacket packet) {
        int at = 1;
        while (at + 2 <= packet.payloadLength()) {
            int size = (packet.payloadByte(at) << 8) | packet.payloadByte(at + 1);
            at += 2;
            if (size == 0 || at + size > packet.payloadLength()) {
                damaged = true;
                return;
            }
            int from = packet.payloadOffset() + at;
            add(Arrays.copyOfRange(packet.bytes(), from, from + size));
            at += size;
        }
    }

    private void fragment(RtpPacket packet) {
        if (packet.payloadLength() < 2) {
            damaged = true;
            return;
        }
        int header = packet.payloadByte(1);
        boolean start = (header & 0x80) != 0;
        boolean end = (header & 0x40) != 0;
        int length = packet.payloadLength() - 2;
        if (start) {
            fragment = new byte[Math.min(Math.max(1024, length * 8), MAX_ACCESS_UNIT_BYTES)];
            fragment[0] = (byte) ((packet.payloadByte(0) & 0xE0) | (header & 0x1F));
            fragmentLength = 1;
        } else if (fragment == null) {
            damaged = true; // the start was lost
            return;
        }
        if (fragmentLength + length > MAX_ACCESS_UNIT_BYTES) {
            fragment = null;
            damaged = true;
            return;
        }
        if (fragmentLength + length > fragment.length) {
            fragment = Arrays.copyOf(fragment, Math.min(MAX_ACCESS_UNIT_BYTES, Math.max(fragment.length * 2, fragmentLength + length)));
        }
        System.arraycopy(packet.bytes(), packet.payloadOffset() + 2, fragment, fragmentLength, length);
        fragmentLength += length;
        if (end) {
            add(Arrays.copyOf(fragment, fragmentLength));
            fragment = null;
        }
    }

    private void add(byte[] unit) {
        if (units.size() >= MAX_NAL_UNITS || bytes + unit.length > MAX_ACCESS_UNIT_BYTES) {
            damaged = true;
            return;
        }
        units.add(unit);
        bytes += unit.length;
    }

    private void finish() {
        if (fragment != null) {
            damaged = true; // a fragment without its end
            fragment = null;
        }
        if (!units.isEmpty() || damaged) {
            boolean keyframe = units.stream().anyMatch(unit -> (unit[0] & 0x1F) == NAL_IDR);
            if (damaged) {
                waitingForKeyframe = true;
                droppedAccessUnits++;
            } else if (waitingForKeyframe && !keyframe) {
                droppedAccessUnits++;
            } else {
                waitingForKeyframe = false;
                output.accessUnit(new AccessUnit(List.copyOf(units), timestamp, keyframe));
            }
        }
        units.clear();
        bytes = 0;
        damaged = false;
        timestamp = -1;
    }
}
