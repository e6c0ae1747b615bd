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
    /** The x264 options SEI is about 1 KB; anything far larger is not worth carrying. */
    static final int MAX_SEI_BYTES = 16 * 1024;

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
    /** Written on the connection's event loop, read from others (a backup's, looking for a stalled primary). */
    private volatile long lastPacketNanos;
    private boolean closed;

    private FeedSink(boolean alwaysKeep, LongSupplier nanoTime) {
        this.alwaysKeep = alwaysKeep;
        this.nanoTime = nanoTime;
        this.lastPacketNanos = nanoTime.getAsLong();
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
        if (pipeline == null) {
            keep(packet);
            return true;
        }
        if (!handingOver.isEmpty()) {
            return false; // after the kept GOP: the connection waits (whenWritable) and offers it again
        }
        boolean taken = pipeline.offer(packet);
        if (taken && alwaysKeep) {
            keep(packet);
        }
        return taken;
    }

    @Override
    public void whenWritable(Runnable callback) {
        if (pipeline == null || closed) {
            callback.run();
        } else if (!handingOver.isEmpty()) {
            onWritable = callback;
        } else {
            pipeline.whenWritable(callback);
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
    }

    /** Nanoseconds since the publisher last sent a packet. */
    long silentNanos() {
        return nanoTime.getAsLong() - lastPacketNanos;
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
        Runnable waiting = onWritable;
        onWritable = null;
        if (waiting != null) {
            waiting.run();
        }
    }

    private void handOver() {
        while (pipeline != null && !handingOver.isEmpty() && pipeline.offer(handingOver.peekFirst())) {
            handingOver.pollFirst();
        }
        if (pipeline != null && !handingOver.isEmpty()) {
            pipeline.whenWritable(this::handOver);
            return;
        }
        Runnable waiting = onWritable;
        onWritable = null;
        if (waiting != null) {
            waiting.run();
        }
    }

    private void keep(MediaPacket packet) {
        if (packet.isConfig()) {
            if (packet.kind() == MediaKind.VIDEO) {
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
                encoderSei = X264Options.seiUnit(packet.payload(), videoConfig.payload())
                        .filter(unit -> unit.length <= MAX_SEI_BYTES).orElse(null);
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
