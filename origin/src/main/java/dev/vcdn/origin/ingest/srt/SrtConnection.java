package dev.vcdn.origin.ingest.srt;

import dev.vcdn.origin.ingest.LiveStream;
import dev.vcdn.origin.ingest.ts.TsDemuxer;
import dev.vcdn.origin.registry.SourceInfo;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted SRT publisher: its receive window, the transport stream it carries, the live
 * stream that takes the packets. Owned by the listener's event loop.
 */
final class SrtConnection {

    private static final Logger log = LoggerFactory.getLogger(SrtConnection.class);

    private final int socketId;
    private final int peerSocket;
    private final SocketAddress peer;
    private final Buffer conclusion;
    private final LiveStream stream;
    private final Optional<SrtCrypto> crypto;
    private final SrtReceiver receiver;
    private final TsDemuxer demuxer;
    private final Consumer<Buffer> send;
    private final long started = System.nanoTime();
    /** Packets the pipeline had no room for yet; delivery waits while any are here. */
    private final ArrayDeque<MediaPacket> backlog = new ArrayDeque<>();
    private long lastHeard;
    private boolean described;
    private boolean audioSeen;
    private boolean warnedParameterSets;
    private boolean finished;
    private boolean closed;

    /** @param conclusion our conclusion response, sent again when the caller repeats its request */
    /** @param crypto the caller's keys when it encrypts */
    SrtConnection(int socketId, int peerSocket, SocketAddress peer, int initialSequence, long latencyMicros, Buffer conclusion,
                  LiveStream stream, Optional<SrtCrypto> crypto, Consumer<Buffer> send) {
        this.socketId = socketId;
        this.crypto = crypto;
        this.peerSocket = peerSocket;
        this.peer = peer;
        this.conclusion = conclusion;
        this.stream = stream;
        this.send = send;
        this.receiver = new SrtReceiver(initialSequence, peerSocket, latencyMicros, send);
        this.demuxer = new TsDemuxer(this::media);
    }

    int socketId() {
        return socketId;
    }

    int peerSocket() {
        return peerSocket;
    }

    SocketAddress peer() {
        return peer;
    }

    LiveStream stream() {
        return stream;
    }

    /** Microseconds since the connection was accepted: the clock of our control packets. */
    long now() {
        return (System.nanoTime() - started) / 1000;
    }

    long idleMicros() {
        return now() - lastHeard;
    }

    /** A packet from the peer's address to our socket id. */
    void packet(Buffer packet) {
        long now = now();
        lastHeard = now;
        if (!SrtPacket.isControl(packet)) {
            Buffer clear = clear(packet);
            if (clear != null) {
                receiver.data(clear, now);
                deliver(now);
            }
            return;
        }
        switch (SrtPacket.controlType(packet)) {
            case SrtPacket.ACKACK -> receiver.ackAck(SrtPacket.typeSpecific(packet), now);
            case SrtPacket.DROPREQ -> {
                if (packet.length() >= SrtPacket.HEADER + 8) {
                    receiver.dropRequest(packet.getInt(SrtPacket.HEADER) & SrtPacket.MAX_SEQUENCE,
                            packet.getInt(SrtPacket.HEADER + 4) & SrtPacket.MAX_SEQUENCE);
                }
            }
            case SrtPacket.HANDSHAKE -> answerAgain();
            case SrtPacket.USER_DEFINED -> keyRefresh(packet);
            default -> {
                // keepalive (lastHeard is enough), shutdown (the listener closes us), others ignored
            }
        }
    }

    /**
     * A data packet in the clear: as it came when neither side encrypts, decrypted when both do;
     * null (dropped) when it is encrypted and we have no key for it, or clear and we expect keys.
     */
    private Buffer clear(Buffer packet) {
        int keyFlags = SrtPacket.encryptionFlags(packet);
        if (crypto.isEmpty()) {
            return keyFlags == 0 ? packet : null;
        }
        return keyFlags == 0 ? null : crypto.get().decrypt(packet, keyFlags);
    }

    /**
     * The caller's in-stream KMREQ (a new key, by default after 2^24 packets): installed and
     * echoed as KMRSP, as libsrt's listener does; anything else user-defined is ignored.
     */
    private void keyRefresh(Buffer packet) {
        if (crypto.isEmpty() || SrtPacket.subtype(packet) != SrtPacket.EXT_KMREQ
                || packet.length() - SrtPacket.HEADER > SrtCrypto.MAX_KM_BYTES) {
            return;
        }
        byte[] message = packet.getBytes(SrtPacket.HEADER, packet.length());
        try {
            crypto.get().refresh(message);
            log.info("srt key refreshed: channel={} remote={}", stream.grant().channel(), peer);
            send.accept(SrtPacket.control(SrtPacket.USER_DEFINED, 0, (int) now(), peerSocket, message.length)
                    .setUnsignedShort(2, SrtPacket.EXT_KMRSP).appendBytes(message));
        } catch (SrtCrypto.KeyMaterialException e) {
            log.warn("srt key refresh refused: channel={} remote={} reason={}", stream.grant().channel(), peer, e.getMessage());
        }
    }

    /** The caller repeated its conclusion: our answer got lost. */
    void answerAgain() {
        send.accept(conclusion);
    }

    void tick() {
        long now = now();
        receiver.tick(now);
        deliver(now);
    }

    private void deliver(long now) {
        receiver.deliver(now, payload -> {
            if (!backlog.isEmpty()) {
                return false;
            }
            demuxer.feed(payload, 0, payload.length);
            warnOnceWithoutParameterSets();
            return true;
        });
    }

    private void warnOnceWithoutParameterSets() {
        if (!warnedParameterSets && demuxer.framesWithoutParameterSets() > 0) {
            warnedParameterSets = true;
            log.warn("srt video without SPS/PPS yet: channel={} remote={}; frames wait for a keyframe that carries them"
                    + " (the encoder should repeat them with every keyframe)", stream.grant().channel(), peer);
        }
    }


    private void media(MediaPacket packet) {
        if (closed) {
            return;
        }
        describe(packet);
        if (!backlog.isEmpty() || !stream.sink().offer(packet)) {
            backlog.addLast(packet);
            if (backlog.size() == 1) {
                stream.sink().whenWritable(this::drain);
            }
        }
    }

    private void drain() {
        while (!backlog.isEmpty() && !closed) {
            if (!stream.sink().offer(backlog.peekFirst())) {
                stream.sink().whenWritable(this::drain);
                return;
            }
            backlog.removeFirst();
        }
        deliver(now());
    }

    /** The registry learns the codecs once video arrives (SRT has no metadata message; sizes come from the decoder). */
    private void describe(MediaPacket packet) {
        audioSeen |= packet.codec() == Codec.AAC;
        if (!described && packet.codec() == Codec.H264 && packet.isConfig()) {
            described = true;
            stream.describeSource(new SourceInfo("avc1", 0, 0, 0, audioSeen ? "mp4a" : ""));
        }
    }

    /**
     * No more packets will come: what arrived in order is handed on, gaps skipped (no
     * retransmission will fill them now), and the access unit still being assembled too.
     */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        receiver.deliver(Long.MAX_VALUE / 2, payload -> {
            demuxer.feed(payload, 0, payload.length);
            return true;
        });
        demuxer.flush();
    }

    /** Ends the stream after {@link #finish}; with {@code tellPeer}, the publisher gets a SHUTDOWN too. */
    void close(String reason, boolean tellPeer) {
        if (closed) {
            return;
        }
        finish();
        closed = true;
        if (tellPeer) {
            send.accept(SrtPacket.control(SrtPacket.SHUTDOWN, 0, (int) now(), peerSocket, 4).appendInt(0));
        }
        backlog.clear();
        stream.end(reason);
    }

    long lostPackets() {
        return receiver.lostPackets();
    }

    long droppedPackets() {
        return receiver.droppedPackets();
    }

    String statistics() {
        return "received=" + receiver.receivedPackets() + " lost=" + receiver.lostPackets() + " dropped="
                + receiver.droppedPackets() + " skippedBytes=" + demuxer.skippedBytes()
                + " framesWithoutParameterSets=" + demuxer.framesWithoutParameterSets();
    }
}
