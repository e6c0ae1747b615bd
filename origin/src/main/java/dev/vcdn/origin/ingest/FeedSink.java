package dev.vcdn.origin.ingest;

import dev.vcdn.origin.codec.X264Options;
import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Where one publisher's packets go: its pipeline while it is packaged; while it stands by (a
 * backup encoder, while the primary is live), nowhere but the newest GOP, kept so that the
 * moment it is packaged its pipeline starts on a keyframe instead of waiting for the next one.
 * Also tells when the publisher last sent anything, which is how a stalled primary is seen.
 * Owned by the publisher's connection's event loop.
 */
final class FeedSink implements MediaSink {

    /** A GOP larger than this is not kept (a 10 s GOP at 12 Mbit/s): the takeover waits for the next keyframe instead. */
    static final long MAX_KEPT_BYTES = 16L << 20;
    static final int MAX_KEPT_PACKETS = 3000;
    /** Packets taken while the kept GOP is handed over, before the connection is made to wait. */
    static final int MAX_HANDOVER_BACKLOG = 512;

    private final LongSupplier nanoTime;
    /** Keeps the newest GOP while packaged too (a backup's): standing by again, it can take over at once. */
    private final boolean alwaysKeep;
    /** The pipeline, or null while standing by. */
    private MediaSink pipeline;
    private final List<MediaPacket> gop = new ArrayList<>();
    private long gopBytes;
    private MediaPacket videoConfig;
    private MediaPacket audioConfig;
    /** x264's options, from its first keyframe: they tell the keyframe interval at once (see {@link X264Options}). */
    private byte[] encoderSei;
    /** The kept GOP, handed over once packaged, before anything newer. */
    private final ArrayDeque<MediaPacket> handingOver = new ArrayDeque<>();
    private Runnable onWritable;
    /**
     * When the publisher last sent a packet; before its first it is not silent yet, nor while the
     * connection waits for the pipeline (then it is us, not the publisher). Written on the
     * connection's event loop, read from others (a backup's, looking for a stalled primary).
     */
    private volatile long lastPacketNanos;
    private volatile boolean sentAnything;
    private volatile boolean waitingForPipeline;
    private boolean closed;

    private FeedSink(boolean alwaysKeep, LongSupplier nanoTime) {
        this.alwaysKeep = alwaysKeep;
        this.nanoTime = nanoTime;
    }

    /** A primary publisher's: packaged as soon as its pipeline is there ({@link #packageInto}), nothing kept after. */
    static FeedSink primary(LongSupplier nanoTime) {
        return new FeedSink(false, nanoTime);
    }

    /** A backup publisher's: it stands by, and always has its newest GOP at hand. */
    static FeedSink backup(LongSupplier nanoTime) {
        return new FeedSink(true, nanoTime);
    }

    @Override
    public boolean offer(MediaPacket packet) {
        if (closed) {
            return true; // dropped: the publish is over
        }
        lastPacketNanos = nanoTime.getAsLong();
        sentAnything = true;
        if (pipeline == null) {
            keep(packet);
            return true;
        }
        if (!handingOver.isEmpty()) {
            // After the kept GOP, in order; a connection that cannot wait (WHIP's UDP) loses nothing meanwhile.
            if (handingOver.size() >= MAX_HANDOVER_BACKLOG) {
                return false;
            }
            handingOver.add(packet);
            keepAlso(packet);
            return true;
        }
        boolean taken = pipeline.offer(packet);
        if (taken) {
            keepAlso(packet);
        }
        return taken;
    }

    private void keepAlso(MediaPacket packet) {
        if (alwaysKeep) {
            keep(packet);
        }
    }

    /** The connection's callback is held here, whatever pipeline it waits for: standing by or closing runs it. */
    @Override
    public void whenWritable(Runnable callback) {
        if (pipeline == null || closed) {
            callback.run();
            return;
        }
        onWritable = callback;
        waitingForPipeline = true;
        if (handingOver.isEmpty()) {
            MediaSink waitedFor = pipeline;
            waitedFor.whenWritable(() -> {
                if (pipeline == waitedFor) {
                    writable();
                }
            });
        }
    }

    private void writable() {
        waitingForPipeline = false;
        lastPacketNanos = nanoTime.getAsLong(); // the wait was ours: any silence counts from now
        Runnable waiting = onWritable;
        onWritable = null;
        if (waiting != null) {
            waiting.run();
        }
    }

    @Override
    public void close() {
        closed = true;
        handingOver.clear();
        gop.clear();
        if (pipeline != null) {
            pipeline.close();
            pipeline = null;
        }
        writable();
    }

    /** Nanoseconds since the publisher last sent a packet; 0 before its first, or while the connection waits for the pipeline. */
    long silentNanos() {
        return !sentAnything || waitingForPipeline ? 0 : nanoTime.getAsLong() - lastPacketNanos;
    }

    /** Standing by with a GOP to start from (a backup that was packaged until now has one at once). */
    boolean readyToTakeOver() {
        return pipeline == null && !closed && !gop.isEmpty() && videoConfig != null;
    }

    boolean packaged() {
        return pipeline != null;
    }

    /**
     * Packaged from now on: the pipeline gets the decoder configurations and the kept GOP
     * first (with the encoder's options, which the GOP's keyframe may no longer carry), then
     * what comes.
     */
    void packageInto(MediaSink newPipeline) {
        if (closed || pipeline != null) {
            throw new IllegalStateException("not standing by");
        }
        pipeline = newPipeline;
        Optional.ofNullable(videoConfig).ifPresent(handingOver::add);
        Optional.ofNullable(audioConfig).ifPresent(handingOver::add);
        for (int i = 0; i < gop.size(); i++) {
            MediaPacket packet = gop.get(i);
            handingOver.add(i == 0 ? withEncoderSei(packet) : packet);
        }
        if (!alwaysKeep) {
            gop.clear();
            gopBytes = 0;
        }
        handOver();
    }

    /** Standing by again: the pipeline is closed (its publish ends), the next GOP is kept. */
    void standBy() {
        if (pipeline != null) {
            handingOver.clear();
            pipeline.close();
            pipeline = null;
        }
        writable();
    }

    private void handOver() {
        while (pipeline != null && !handingOver.isEmpty() && pipeline.offer(handingOver.peekFirst())) {
            handingOver.pollFirst();
        }
        if (pipeline != null && !handingOver.isEmpty()) {
            MediaSink waitedFor = pipeline;
            waitedFor.whenWritable(() -> {
                if (pipeline == waitedFor) {
                    handOver();
                }
            });
            return;
        }
        if (onWritable != null) {
            writable();
        }
    }

    private void keep(MediaPacket packet) {
        if (packet.isConfig()) {
            if (packet.kind() == MediaKind.VIDEO) {
                if (videoConfig != null && !videoConfig.payload().equals(packet.payload())) {
                    encoderSei = null; // another encoder, or the same one started again: its options may differ
                }
                videoConfig = packet;
            } else {
                audioConfig = packet;
            }
            return;
        }
        if (packet.kind() == MediaKind.VIDEO && packet.keyframe()) {
            gop.clear();
            gopBytes = 0;
            if (encoderSei == null && packet.codec() == Codec.H264 && videoConfig != null) {
                encoderSei = X264Options.seiUnit(packet.payload(), videoConfig.payload()).orElse(null);
            }
        } else if (gop.isEmpty()) {
            return; // nothing before the first keyframe can be decoded
        }
        if (gop.size() >= MAX_KEPT_PACKETS || gopBytes + packet.payload().size() > MAX_KEPT_BYTES) {
            gop.clear(); // too long a GOP: wait for the next keyframe
            gopBytes = 0;
            return;
        }
        gop.add(packet);
        gopBytes += packet.payload().size();
    }

    /** Where an SEI may go in a frame: after its access unit delimiter (NAL type 9, always first when present), else first. */
    private static int afterAccessUnitDelimiter(byte[] frame, int lengthSize) {
        if (frame.length <= lengthSize || (frame[lengthSize] & 0x1F) != 9) {
            return 0;
        }
        long length = 0;
        for (int i = 0; i < lengthSize; i++) {
            length = (length << 8) | (frame[i] & 0xFF);
        }
        return length <= frame.length - lengthSize ? lengthSize + (int) length : 0;
    }

    /** The keyframe with x264's options in front, when it came without them (every keyframe after the first). */
    private MediaPacket withEncoderSei(MediaPacket keyframe) {
        if (encoderSei == null || videoConfig == null
                || X264Options.maxKeyframeInterval(keyframe.payload(), videoConfig.payload()).isPresent()) {
            return keyframe;
        }
        byte[] frame = keyframe.payload().toByteArray();
        int at = afterAccessUnitDelimiter(frame, (videoConfig.payload().byteAt(4) & 0x03) + 1);
        byte[] joined = new byte[encoderSei.length + frame.length];
        System.arraycopy(frame, 0, joined, 0, at);
        System.arraycopy(encoderSei, 0, joined, at, encoderSei.length);
        System.arraycopy(frame, at, joined, at + encoderSei.length, frame.length - at);
        return new MediaPacket(keyframe.codec(), keyframe.type(), keyframe.dts(), keyframe.pts(), keyframe.timeBase(), true,
                Payload.copyOf(joined));
    }
}
