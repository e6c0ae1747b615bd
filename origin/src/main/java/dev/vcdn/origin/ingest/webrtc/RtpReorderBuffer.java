package dev.vcdn.origin.ingest.webrtc;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts one SSRC's RTP packets back in sequence order. A packet that arrives ahead of a gap waits
 * while the missing ones are asked for again (NACK); a gap still open after {@code maxDelayMillis},
 * or when the buffer is full, is given up on and reported as lost. Duplicates and packets older
 * than what was already handed on are dropped. 16-bit sequence numbers wrap.
 */
public final class RtpReorderBuffer {

    public interface Output {
        void packet(RtpPacket packet);

        /** {@code count} packets before the next one will never come. */
        void lost(int count);
    }

    static final int CAPACITY = 512;
    /** How often a missing packet is asked for again, and at most how many times. */
    private static final long NACK_INTERVAL_MILLIS = 40;
    private static final int MAX_NACKS = 3;
    private static final long NEVER = Long.MIN_VALUE / 2;

    private final Output output;
    private final long maxDelayMillis;
    private final RtpPacket[] slots = new RtpPacket[CAPACITY];
    private final long[] arrivals = new long[CAPACITY];
    private final long[] lastNack = new long[CAPACITY];
    private final int[] nacks = new int[CAPACITY];
    private int next = -1;
    /** Packets held (some slot ahead of {@code next} is filled). */
    private int held;
    private long lostPackets;

    public RtpReorderBuffer(long maxDelayMillis, Output output) {
        this.maxDelayMillis = maxDelayMillis;
        this.output = output;
        java.util.Arrays.fill(lastNack, NEVER);
    }

    public long lostPackets() {
        return lostPackets;
    }

    public void add(RtpPacket packet, long nowMillis) {
        if (next < 0) {
            next = packet.sequence();
        }
        int ahead = (packet.sequence() - next) & 0xFFFF;
        if (ahead >= 0x8000) {
            return; // older than what was handed on: a late retransmission or a duplicate
        }
        if (ahead >= CAPACITY) {
            skipTo(packet.sequence()); // a jump beyond the buffer: the sender restarted or lost a lot
            ahead = 0;
        }
        int slot = packet.sequence() % CAPACITY;
        if (slots[slot] != null) {
            return;
        }
        slots[slot] = packet;
        arrivals[slot] = nowMillis;
        held++;
        drain();
    }

    /**
     * Gives up on gaps that have waited too long and returns the sequence numbers to ask for again
     * now (each at most {@value #MAX_NACKS} times, {@value #NACK_INTERVAL_MILLIS} ms apart).
     */
    public List<Integer> tick(long nowMillis) {
        List<Integer> missing = new ArrayList<>();
        if (held == 0) {
            return missing;
        }
        long oldestWait = 0;
        int newest = newestHeld();
        for (int offset = 0; offset <= newest; offset++) {
            int sequence = (next + offset) & 0xFFFF;
            int slot = sequence % CAPACITY;
            if (slots[slot] != null) {
                oldestWait = Math.max(oldestWait, nowMillis - arrivals[slot]);
            } else if (nacks[slot] < MAX_NACKS && nowMillis - lastNack[slot] >= NACK_INTERVAL_MILLIS) {
                nacks[slot]++;
                lastNack[slot] = nowMillis;
                missing.add(sequence);
            }
        }
        if (oldestWait > maxDelayMillis) {
            giveUpFirstGap();
        }
        return missing;
    }

    private int newestHeld() {
        for (int offset = CAPACITY - 1; offset > 0; offset--) {
            if (slots[(next + offset) % CAPACITY] != null) {
                return offset;
            }
        }
        return 0;
    }

    private void giveUpFirstGap() {
        int skipped = 0;
        while (slots[next % CAPACITY] == null) {
            clear(next);
            next = (next + 1) & 0xFFFF;
            skipped++;
        }
        lostPackets += skipped;
        output.lost(skipped);
        drain();
    }

    private void skipTo(int sequence) {
        int skipped = 0;
        while (next != sequence) {
            int slot = next % CAPACITY;
            if (slots[slot] != null) {
                if (skipped > 0) {
                    output.lost(skipped);
                    lostPackets += skipped;
                    skipped = 0;
                }
                RtpPacket packet = slots[slot];
                clear(next);
                output.packet(packet);
            } else {
                clear(next);
                skipped++;
            }
            next = (next + 1) & 0xFFFF;
        }
        if (skipped > 0) {
            lostPackets += skipped;
            output.lost(skipped);
        }
    }

    private void drain() {
        while (slots[next % CAPACITY] != null) {
            RtpPacket packet = slots[next % CAPACITY];
            clear(next);
            next = (next + 1) & 0xFFFF;
            output.packet(packet);
        }
    }

    private void clear(int sequence) {
        int slot = sequence % CAPACITY;
        if (slots[slot] != null) {
            held--;
        }
        slots[slot] = null;
        nacks[slot] = 0;
        lastNack[slot] = NEVER;
    }
}
