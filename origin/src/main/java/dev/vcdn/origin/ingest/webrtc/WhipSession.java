package dev.vcdn.origin.ingest.webrtc;

import dev.vcdn.origin.ingest.LiveStream;
import dev.vcdn.origin.ingest.webrtc.SdpAnswer.Negotiated;
import dev.vcdn.origin.ingest.webrtc.SrtpContext.SrtpException;
import dev.vcdn.shared.media.MediaPacket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WHIP publisher, from the accepted offer to the end: ICE-lite connectivity checks answered
 * on our port, the DTLS handshake (on its own thread), SRTP decrypted, RTP put in order and
 * turned into media packets for the stream's pipeline, and the feedback a sender needs (NACK for
 * lost packets, PLI when a keyframe is needed, receiver reports, REMB). Owned by the WHIP
 * verticle's event loop; the DTLS thread's news comes back through {@code onLoop}.
 */
final class WhipSession {

    private static final Logger log = LoggerFactory.getLogger(WhipSession.class);
    /** Above any rung we make from it: lets the sender's rate control climb to a good picture. */
    private static final long REMB_BITS_PER_SECOND = 8_000_000;
    private static final long REPORT_INTERVAL_MILLIS = 1000;
    private static final int MAX_ADDRESSES = 8;
    /** How often a keyframe is asked for again while none has come (lost PLI, slow encoder). */
    private static final long PLI_RETRY_MILLIS = 500;
    /** The sender's first keyframe comes unasked: the first request waits this long after its first packet. */
    private static final long FIRST_PLI_DELAY_MILLIS = 1000;

    enum State { CONNECTING, CONNECTED, CLOSED }

    private final String id;
    private final IceCredentials ice;
    private final SdpOffer offer;
    private final LiveStream stream;
    private final WhipSettings settings;
    private final DtlsIdentity identity;
    private final SecureRandom random;
    private final BiConsumer<byte[], InetSocketAddress> socket;
    private final Consumer<Runnable> onLoop;
    private final WhipStats stats;
    private final Consumer<WhipSession> onClosed;
    private final long senderSsrc;
    private final long createdMillis;
    private final VideoTrack video;
    private final Optional<AudioTrack> audio;
    private final List<InetSocketAddress> checkedAddresses = new ArrayList<>();
    private volatile InetSocketAddress selected;
    private DtlsConnection dtls;
    private SrtpContext inbound;
    private SrtpContext outbound;
    private State state = State.CONNECTING;
    private long lastHeardMillis;
    private long lastMediaMillis;
    private long epochMillis = -1;
    private long lastReportMillis;
    private long lastPliMillis;
    private long nowMillis;

    /** What the session needs from its listener. */
    record Environment(WhipSettings settings, DtlsIdentity identity, SecureRandom random,
                       BiConsumer<byte[], InetSocketAddress> socket, Consumer<Runnable> onLoop, WhipStats stats,
                       Consumer<WhipSession> onClosed) {
    }

    WhipSession(String id, IceCredentials ice, SdpOffer offer, Negotiated negotiated, LiveStream stream,
                Environment environment, long nowMillis) {
        this.id = id;
        this.ice = ice;
        this.offer = offer;
        this.stream = stream;
        this.settings = environment.settings();
        this.identity = environment.identity();
        this.random = environment.random();
        this.socket = environment.socket();
        this.onLoop = environment.onLoop();
        this.stats = environment.stats();
        this.onClosed = environment.onClosed();
        this.senderSsrc = random.nextInt() & 0xFFFFFFFFL;
        this.createdMillis = nowMillis;
        this.nowMillis = nowMillis;
        this.lastHeardMillis = nowMillis;
        long jitter = settings.jitterDelay().toMillis();
        this.video = new VideoTrack(negotiated.video().codec().payloadType(), retransmits(negotiated.video()), jitter,
                this::sessionMillis, this::deliver);
        this.audio = negotiated.audio().map(track -> new AudioTrack(track.codec().payloadType(), retransmits(track),
                Math.max(1, track.codec().channels()), jitter, this::sessionMillis, this::deliver));
    }

    private static boolean retransmits(SdpAnswer.Track track) {
        return track.codec().feedback().contains("nack");
    }

    String id() {
        return id;
    }

    IceCredentials ice() {
        return ice;
    }

    /** The publisher's ICE ufrag, from its offer. */
    String offerUfrag() {
        return offer.iceUfrag();
    }

    /**
     * A binding request for our ufrag: answered when its integrity holds, and its address remembered.
     *
     * @return whether the check passed (DTLS and SRTP from {@code from} are taken from now on)
     */
    boolean stun(StunMessage request, byte[] datagram, InetSocketAddress from, long now) {
        nowMillis = now;
        if (state == State.CLOSED) {
            return false;
        }
        boolean ours = request.username().equals(ice.ufrag() + ":" + offer.iceUfrag());
        if (!ours || !request.integrityMatches(datagram, ice.password())) {
            stats.refusedStun();
            socket.accept(request.unauthorizedResponse(), from);
            return false;
        }
        if (!checkedAddresses.contains(from)) {
            if (checkedAddresses.size() >= MAX_ADDRESSES) {
                return false; // a publisher has a handful of candidate addresses, never this many
            }
            checkedAddresses.add(from);
        }
        lastHeardMillis = nowMillis;
        if (request.useCandidate() || selected == null) {
            selected = from; // ICE-lite: the controlling peer's nomination decides; until then its first working pair
        }
        socket.accept(request.successResponse(from, ice.password()), from);
        if (dtls == null) {
            dtls = new DtlsConnection(id, identity, offer.fingerprintSha256(), random, this::sendToSelected,
                    new DtlsConnection.Listener() {
                        @Override
                        public void handshakeDone(SrtpKeys keys) {
                            onLoop.accept(() -> connected(keys));
                        }

                        @Override
                        public void closed(String reason) {
                            onLoop.accept(() -> close(reason));
                        }
                    });
            dtls.start();
        }
        return true;
    }

    /** A DTLS record, taken only from an address that passed a connectivity check. */
    void dtls(byte[] datagram, InetSocketAddress from, long now) {
        nowMillis = now;
        if (dtls != null && checkedAddresses.contains(from)) {
            lastHeardMillis = nowMillis;
            dtls.received(datagram);
        }
    }

    void rtpOrRtcp(byte[] datagram, int length, InetSocketAddress from, long now) {
        nowMillis = now;
        if (state != State.CONNECTED || !checkedAddresses.contains(from)) {
            return;
        }
        try {
            if (RtpPacket.isRtcp(datagram, length)) {
                byte[] rtcp = inbound.unprotectRtcp(datagram, length);
                lastHeardMillis = nowMillis;
                for (Rtcp.SenderReport report : Rtcp.senderReports(rtcp)) {
                    tracks().stream().filter(track -> track.ssrc() == report.ssrc())
                            .forEach(track -> track.senderReport(report.compactNtp(), nowMillis));
                }
                return;
            }
            byte[] plain = inbound.unprotectRtp(datagram, length);
            Optional<RtpPacket> parsed = RtpPacket.parse(plain);
            if (parsed.isEmpty()) {
                stats.refusedPacket();
                return;
            }
            RtpPacket packet = parsed.get();
            lastHeardMillis = nowMillis;
            lastMediaMillis = nowMillis;
            if (epochMillis < 0) {
                epochMillis = nowMillis;
            }
            if (packet.payloadType() == video.payloadType) {
                video.receive(packet, nowMillis);
            } else if (audio.isPresent() && packet.payloadType() == audio.get().payloadType) {
                audio.get().receive(packet, nowMillis);
            }
        } catch (SrtpException e) {
            stats.refusedPacket();
        }
    }

    /** Every few milliseconds: NACKs, PLI, reports, timeouts. */
    void tick(long now) {
        nowMillis = now;
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CONNECTING && now - createdMillis > settings.connectTimeout().toMillis()) {
            close("ICE and DTLS not done within " + settings.connectTimeout().toSeconds() + " s");
            return;
        }
        if (now - lastHeardMillis > settings.idleTimeout().toMillis()) {
            close("nothing heard for " + settings.idleTimeout().toSeconds() + " s");
            return;
        }
        if (state != State.CONNECTED) {
            return;
        }
        if (now - lastMediaMillis > settings.idleTimeout().toMillis()) {
            close("no media for " + settings.idleTimeout().toSeconds() + " s");
            return;
        }
        for (ReceivedTrack track : tracks()) {
            List<Integer> missing = track.tick(now);
            if (!missing.isEmpty() && track.retransmits) {
                stats.nacked(missing.size());
                sendRtcp(Rtcp.nack(senderSsrc, track.ssrc(), missing));
            }
        }
        requestKeyframeWhenDue(now);
        if (now - lastReportMillis >= REPORT_INTERVAL_MILLIS) {
            lastReportMillis = now;
            List<ReceivedTrack> started = tracks().stream().filter(ReceivedTrack::started).toList();
            if (!started.isEmpty()) {
                sendRtcp(Rtcp.receiverReport(senderSsrc, started.stream().map(track -> track.stats(now)).toList()));
                sendRtcp(Rtcp.remb(senderSsrc, REMB_BITS_PER_SECOND, started.stream().map(ReceivedTrack::ssrc).toList()));
            }
        }
    }

    /**
     * A PLI when the picture is broken (after the first second: the first keyframe comes unasked)
     * and once per keyframe interval, so that the publisher's keyframes fall where segments end:
     * WebRTC encoders make one only when asked.
     */
    private void requestKeyframeWhenDue(long now) {
        if (!video.started() || now - video.firstArrivalMillis() < FIRST_PLI_DELAY_MILLIS) {
            return;
        }
        long sinceKeyframe = now - video.lastKeyframeMillis();
        boolean broken = video.needsKeyframe() && now - lastPliMillis >= PLI_RETRY_MILLIS;
        boolean due = sinceKeyframe >= settings.keyframeInterval().toMillis() && now - lastPliMillis >= PLI_RETRY_MILLIS;
        if (broken || due) {
            lastPliMillis = now;
            sendRtcp(Rtcp.pictureLoss(senderSsrc, video.ssrc()));
        }
    }

    /** Ends the session: DTLS thread stopped, the stream ended (pipeline, registry, auth server). Idempotent. */
    void close(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        state = State.CLOSED;
        if (dtls != null) {
            dtls.stop();
        }
        stats.lost(video.lostPackets() + audio.map(ReceivedTrack::lostPackets).orElse(0L));
        log.info("whip session {} of {} ended ({}): video lost packets={} dropped frames={}, audio dropped frames={}",
                id, stream.grant().channel(), was == State.CONNECTING ? "never connected, " + reason : reason,
                video.lostPackets(), video.droppedFrames(), audio.map(AudioTrack::droppedFrames).orElse(0L));
        stream.end("whip: " + reason);
        onClosed.accept(this);
    }

    private void connected(SrtpKeys keys) {
        if (state != State.CONNECTING) {
            return;
        }
        inbound = new SrtpContext(keys.clientKey(), keys.clientSalt());
        outbound = new SrtpContext(keys.serverKey(), keys.serverSalt());
        state = State.CONNECTED;
        lastMediaMillis = nowMillis;
        log.info("whip session {} of {} connected from {}", id, stream.grant().channel(), selected);
    }

    private boolean deliver(MediaPacket packet) {
        if (state == State.CLOSED) {
            return false;
        }
        boolean taken = stream.sink().offer(packet);
        if (!taken) {
            stats.droppedFrame();
        }
        return taken;
    }

    private long sessionMillis() {
        return epochMillis < 0 ? 0 : nowMillis - epochMillis;
    }

    private List<ReceivedTrack> tracks() {
        return audio.<List<ReceivedTrack>>map(track -> List.of(video, track)).orElse(List.of(video));
    }

    private void sendRtcp(byte[] rtcp) {
        InetSocketAddress to = selected;
        if (to != null && outbound != null) {
            socket.accept(outbound.protectRtcp(rtcp), to);
        }
    }

    /** From the DTLS thread: the selected address is read once per datagram. */
    private void sendToSelected(byte[] datagram) {
        InetSocketAddress to = selected;
        if (to != null) {
            socket.accept(datagram, to);
        }
    }
}
