package dev.vcdn.origin.ingest.ts;

import dev.vcdn.origin.codec.H264AccessUnits;
import dev.vcdn.origin.codec.AnnexB;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * MPEG transport stream (what SRT publishers send) to our media packets: the first program's
 * H.264 video and AAC (ADTS) audio, timestamps in milliseconds from the first one seen. Other
 * streams are skipped. Input arrives in arbitrary slices; a lost sync byte is searched for again.
 * Every size is bounded: a PES larger than its limit is dropped whole, and the next keyframe
 * starts clean.
 */
public final class TsDemuxer {

    static final int PACKET = 188;
    private static final int SYNC = 0x47;
    private static final int PID_PAT = 0;
    private static final int STREAM_H264 = 0x1B;
    private static final int STREAM_AAC_ADTS = 0x0F;
    static final int MAX_VIDEO_PES = 8 << 20;
    static final int MAX_AUDIO_PES = 256 << 10;
    private static final int MAX_SECTION = 1024;
    private static final long WRAP = 1L << 33;
    private static final long ORIGIN_MARGIN = 90_000;
    private static final int[] AAC_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};

    private final Consumer<MediaPacket> out;
    private final byte[] pending = new byte[PACKET];
    private int pendingLength;
    private int pmtPid = -1;
    private final Map<Integer, Elementary> streams = new HashMap<>();
    private long origin = Long.MIN_VALUE;
    private long lastTimestamp = Long.MIN_VALUE;
    private long wraps;
    private long skippedBytes;
    private final H264AccessUnits h264;

    public TsDemuxer(Consumer<MediaPacket> out) {
        this.out = out;
        this.h264 = new H264AccessUnits(TimeBase.MILLISECONDS, out);
    }

    /**
     * Video frames dropped because no SPS/PPS had come yet: an encoder that sends them only once
     * (GStreamer's h264parse without config-interval=-1) and whose first keyframe was missed.
     */
    public long framesWithoutParameterSets() {
        return h264.framesWithoutParameterSets();
    }

    /** Bytes that were not transport packets (resynchronisation); for the connection's log line. */
    public long skippedBytes() {
        return skippedBytes;
    }

    public void feed(byte[] data, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (pendingLength == 0 && (data[i] & 0xFF) != SYNC) {
                skippedBytes++;
                i++;
                continue;
            }
            int take = Math.min(PACKET - pendingLength, end - i);
            if (pendingLength == 0 && take == PACKET) {
                packet(data, i);
            } else {
                System.arraycopy(data, i, pending, pendingLength, take);
                pendingLength += take;
                if (pendingLength == PACKET) {
                    pendingLength = 0;
                    packet(pending, 0);
                }
            }
            i += take;
        }
    }

    /** The end of the stream: what is still being assembled goes out. */
    public void flush() {
        streams.values().forEach(Elementary::complete);
    }

    private void packet(byte[] p, int at) {
        boolean unitStart = (p[at + 1] & 0x40) != 0;
        int pid = ((p[at + 1] & 0x1F) << 8) | (p[at + 2] & 0xFF);
        int adaptation = (p[at + 3] >> 4) & 0x3;
        int payload = at + 4;
        if (adaptation == 2 || adaptation == 0) {
            return;
        }
        if (adaptation == 3) {
            payload += 1 + (p[at + 4] & 0xFF);
        }
        int end = at + PACKET;
        if (payload >= end) {
            return;
        }
        if (pid == PID_PAT) {
            if (unitStart) {
                pat(p, payload, end);
            }
        } else if (pid == pmtPid) {
            if (unitStart) {
                pmt(p, payload, end);
            }
        } else {
            Elementary stream = streams.get(pid);
            if (stream != null) {
                stream.data(p, payload, end, unitStart);
            }
        }
    }

    /** The start of a PSI section after its pointer field, or -1. */
    private static int section(byte[] p, int payload, int end) {
        int start = payload + 1 + (p[payload] & 0xFF);
        return start + 3 <= end ? start : -1;
    }

    private void pat(byte[] p, int payload, int end) {
        int s = section(p, payload, end);
        if (s < 0 || p[s] != 0) {
            return;
        }
        int length = Math.min(((p[s + 1] & 0x0F) << 8) | (p[s + 2] & 0xFF), MAX_SECTION);
        int last = Math.min(s + 3 + length - 4, end);
        for (int i = s + 8; i + 4 <= last; i += 4) {
            int program = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
            if (program != 0) {
                pmtPid = ((p[i + 2] & 0x1F) << 8) | (p[i + 3] & 0xFF);
                return;
            }
        }
    }

    private void pmt(byte[] p, int payload, int end) {
        int s = section(p, payload, end);
        if (s < 0 || p[s] != 2 || s + 12 > end) {
            return;
        }
        int length = Math.min(((p[s + 1] & 0x0F) << 8) | (p[s + 2] & 0xFF), MAX_SECTION);
        int last = Math.min(s + 3 + length - 4, end);
        int programInfo = ((p[s + 10] & 0x0F) << 8) | (p[s + 11] & 0xFF);
        boolean video = false;
        boolean audio = false;
        for (int i = s + 12 + programInfo; i + 5 <= last; ) {
            int type = p[i] & 0xFF;
            int pid = ((p[i + 1] & 0x1F) << 8) | (p[i + 2] & 0xFF);
            int info = ((p[i + 3] & 0x0F) << 8) | (p[i + 4] & 0xFF);
            if (type == STREAM_H264 && !video) {
                video = true;
                streams.computeIfAbsent(pid, ignored -> new Video());
            } else if (type == STREAM_AAC_ADTS && !audio) {
                audio = true;
                streams.computeIfAbsent(pid, ignored -> new Audio());
            }
            i += 5 + info;
        }
    }

    /** 90 kHz, 33 bits, to milliseconds from the first timestamp, unwrapped. */
    private long millis(long ticks) {
        long unwrapped = ticks + wraps * WRAP;
        if (lastTimestamp != Long.MIN_VALUE && unwrapped < lastTimestamp - WRAP / 2) {
            wraps++;
            unwrapped += WRAP;
        }
        lastTimestamp = Math.max(lastTimestamp, unwrapped);
        if (origin == Long.MIN_VALUE) {
            // A second before the first timestamp, so the other stream's slightly earlier ones stay positive.
            origin = unwrapped - ORIGIN_MARGIN;
        }
        return Math.max(0, TimeBase.MPEG_90KHZ.rescale(unwrapped - origin, TimeBase.MILLISECONDS));
    }

    private static long timestamp(byte[] p, int i) {
        return ((long) (p[i] & 0x0E) << 29) | ((p[i + 1] & 0xFF) << 22) | ((p[i + 2] & 0xFE) << 14)
                | ((p[i + 3] & 0xFF) << 7) | ((p[i + 4] & 0xFE) >> 1);
    }

    /** One elementary stream: PES packets assembled, then handed to {@link #unit}. */
    private abstract class Elementary {

        private final ByteArrayOutputStream pes = new ByteArrayOutputStream();
        private final int limit;
        private boolean overflowed;
        /** PES_packet_length of the PES being assembled; 0: unbounded (video), ends at the next start. */
        private int declaredLength;

        Elementary(int limit) {
            this.limit = limit;
        }

        void data(byte[] p, int from, int end, boolean unitStart) {
            if (unitStart) {
                complete();
                declaredLength = from + 6 <= end ? ((p[from + 4] & 0xFF) << 8) | (p[from + 5] & 0xFF) : 0;
            } else if (pes.size() == 0) {
                return; // joined mid-packet: wait for the next start
            }
            if (overflowed || pes.size() + (end - from) > limit) {
                overflowed = true;
                return;
            }
            pes.write(p, from, end - from);
            if (declaredLength > 0 && pes.size() >= 6 + declaredLength) {
                complete(); // a PES with a stated length is whole without waiting for the next one
            }
        }

        void complete() {
            byte[] bytes = pes.toByteArray();
            boolean dropped = overflowed;
            pes.reset();
            overflowed = false;
            declaredLength = 0;
            if (dropped || bytes.length < 9 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 1) {
                return;
            }
            int flags = bytes[7] & 0xFF;
            int headerEnd = 9 + (bytes[8] & 0xFF);
            if (headerEnd > bytes.length || (flags & 0x80) == 0 || bytes.length < 14) {
                return;
            }
            long pts = millis(timestamp(bytes, 9));
            long dts = (flags & 0x40) != 0 && bytes.length >= 19 ? millis(timestamp(bytes, 14)) : pts;
            unit(Arrays.copyOfRange(bytes, headerEnd, bytes.length), dts, pts);
        }

        abstract void unit(byte[] data, long dts, long pts);
    }

    /** H.264 access units: parameter sets become a config packet when they change, frames are length-prefixed. */
    private final class Video extends Elementary {

        Video() {
            super(MAX_VIDEO_PES);
        }

        @Override
        void unit(byte[] data, long dts, long pts) {
            h264.accessUnit(AnnexB.nalUnits(data), dts, pts);
        }
    }

    /** AAC in ADTS frames: the AudioSpecificConfig from the first header, then the raw frames, 1024 samples each. */
    private final class Audio extends Elementary {

        private byte[] configuration;

        Audio() {
            super(MAX_AUDIO_PES);
        }

        @Override
        void unit(byte[] data, long dts, long pts) {
            int i = 0;
            int frame = 0;
            while (i + 7 <= data.length) {
                if ((data[i] & 0xFF) != 0xFF || (data[i + 1] & 0xF0) != 0xF0) {
                    return; // not ADTS (or lost sync): the rest of this PES is skipped
                }
                boolean crc = (data[i + 1] & 0x01) == 0;
                int objectType = ((data[i + 2] & 0xC0) >> 6) + 1;
                int rateIndex = (data[i + 2] & 0x3C) >> 2;
                int channels = ((data[i + 2] & 0x01) << 2) | ((data[i + 3] & 0xC0) >> 6);
                int length = ((data[i + 3] & 0x03) << 11) | ((data[i + 4] & 0xFF) << 3) | ((data[i + 5] & 0xE0) >> 5);
                int header = crc ? 9 : 7;
                if (rateIndex >= AAC_RATES.length || length <= header || i + length > data.length) {
                    return;
                }
                byte[] asc = {(byte) ((objectType << 3) | (rateIndex >> 1)), (byte) (((rateIndex & 1) << 7) | (channels << 3))};
                if (!Arrays.equals(asc, configuration)) {
                    configuration = asc;
                    out.accept(MediaPacket.config(Codec.AAC, dts, TimeBase.MILLISECONDS, Payload.copyOf(asc)));
                }
                long at = dts + frame * 1024L * 1000 / AAC_RATES[rateIndex];
                out.accept(MediaPacket.frame(Codec.AAC, at, at, TimeBase.MILLISECONDS, false,
                        Payload.copyOf(data, i + header, length - header)));
                frame++;
                i += length;
            }
        }
    }
}
