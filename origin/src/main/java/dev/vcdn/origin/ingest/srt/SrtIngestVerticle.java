package dev.vcdn.origin.ingest.srt;

import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.origin.auth.PublishRequest;
import dev.vcdn.origin.ingest.IngestGate;
import dev.vcdn.origin.ingest.LiveStream;
import dev.vcdn.origin.ingest.UdpSocket;
import dev.vcdn.shared.process.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SRT listener (caller-listener handshake v5, live mode, no encryption): one UDP socket for
 * every publisher, connections told apart by our socket id. A caller proves its address with the
 * SYN cookie before anything is kept for it; its stream id is checked with the auth server before
 * the handshake completes, so a bad key is refused with an access-control code the caller shows
 * (1401, 1409...).
 */
public final class SrtIngestVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(SrtIngestVerticle.class);
    private static final long TICK_MILLIS = 5;
    private static final int REMEMBERED_REJECTIONS = 1024;
    /** Kernel receive queue of the UDP socket: room for the keyframe bursts of many publishers at once. */
    private static final int RECEIVE_QUEUE_BYTES = 4 << 20;
    /** Handshake types of a rejection: 1000 + the reason (libsrt's SRT_REJ_* and the access-control SRT_REJX_*). */
    static final int REJECT_UNSECURE = 1000 + 11;
    static final int REJECT_BAD_SECRET = 1000 + 10;
    static final int REJECT_VERSION = 1000 + 8;
    static final int REJECT_BAD_REQUEST = 1000 + 1400;
    static final int REJECT_UNAUTHORIZED = 1000 + 1401;
    static final int REJECT_FORBIDDEN = 1000 + 1403;
    static final int REJECT_BAD_MODE = 1000 + 1405;
    static final int REJECT_CONFLICT = 1000 + 1409;
    static final int REJECT_OVERLOAD = 1000 + 1402;
    static final int REJECT_UNAVAILABLE = 1000 + 1503;
    /** Flags of our HSRSP: TSBPD both ways, too-late packet drop, periodic NAK, retransmission flag. */
    private static final int RESPONSE_FLAGS = 0x1 | 0x2 | 0x8 | 0x10 | 0x20;

    private final SrtSettings settings;
    private final IngestGate gate;
    private final Counter rejected;
    private final Counter lostPackets;
    private final Counter droppedPackets;
    private final SecureRandom random = new SecureRandom();
    private final SrtCookies cookies;
    private final int listenerSocket;
    private final Map<Integer, SrtConnection> connections = new HashMap<>();
    /** Callers whose stream id is with the auth server: "host/port/caller socket id". */
    private final Set<String> authorizing = new HashSet<>();
    private final Map<String, Integer> connectionsByAddress = new HashMap<>();
    /** The last callers refused, so that a repeated conclusion gets the same answer without asking again. */
    private final Map<String, Integer> recentRejections = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED_REJECTIONS;
        }
    };
    private final AtomicInteger openConnections = new AtomicInteger();
    private final List<Endpoint> endpoints = new ArrayList<>();
    private UdpSocket socket;
    private long timer;

    public SrtIngestVerticle(SrtSettings settings, IngestGate gate, MeterRegistry metrics) {
        this.settings = settings;
        this.gate = gate;
        this.cookies = new SrtCookies(random);
        this.listenerSocket = random.nextInt() & 0x7FFFFFFF;
        this.rejected = Counter.builder("vcdn.ingest.rejected.connections").tag("protocol", "srt")
                .description("Connections closed at once: over the per-address or total limit").register(metrics);
        this.lostPackets = Counter.builder("vcdn.ingest.srt.lost.packets")
                .description("Data packets that did not arrive the first time (asked again with a NAK)").register(metrics);
        this.droppedPackets = Counter.builder("vcdn.ingest.srt.dropped.packets")
                .description("Data packets given up on: not retransmitted within the latency").register(metrics);
        Gauge.builder("vcdn.ingest.connections", openConnections, AtomicInteger::get).tag("protocol", "srt")
                .description("Open SRT connections").register(metrics);
    }

    @Override
    public Future<?> start() {
        return UdpSocket.bind((ContextInternal) context, settings.host(), settings.port(), RECEIVE_QUEUE_BYTES, this::received)
                .onSuccess(bound -> {
                    socket = bound;
                    endpoints.add(new Endpoint("srt", settings.host(), bound.port()));
                    if (bound.receiveQueue() < RECEIVE_QUEUE_BYTES) {
                        log.warn("srt receive queue is {} bytes, asked {}: keyframe bursts of several publishers will be"
                                + " lost and asked again; raise net.core.rmem_max (sysctl) to at least {}",
                                bound.receiveQueue(), RECEIVE_QUEUE_BYTES, RECEIVE_QUEUE_BYTES);
                    }
                });
    }

    /** Where it listens, once started. */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    @Override
    public Future<?> stop() {
        List.copyOf(connections.values()).forEach(connection -> close(connection, "server stopping", true));
        return socket == null ? Future.succeededFuture() : socket.close();
    }

    private void received(Buffer packet, SocketAddress sender) {
        if (packet.length() < SrtPacket.HEADER) {
            return;
        }
        int destination = SrtPacket.destination(packet);
        if (destination == 0 && SrtPacket.isControl(packet) && SrtPacket.controlType(packet) == SrtPacket.HANDSHAKE) {
            SrtHandshake.parse(packet).ifPresent(handshake -> handshake(handshake, sender));
            return;
        }
        SrtConnection connection = connections.get(destination);
        if (connection == null || !connection.peer().equals(sender)) {
            return; // not ours, or not from the address that connected
        }
        if (SrtPacket.isControl(packet) && SrtPacket.controlType(packet) == SrtPacket.SHUTDOWN) {
            close(connection, "publisher closed", false);
        } else {
            connection.packet(packet);
        }
    }

    private void handshake(SrtHandshake request, SocketAddress caller) {
        if (request.type() == SrtHandshake.INDUCTION) {
            send(request.inductionResponse(listenerSocket, cookies.current(caller), address(caller)), caller);
            return;
        }
        if (request.type() != SrtHandshake.CONCLUSION || !cookies.valid(caller, request.cookie())) {
            return; // not a handshake we asked for: no state, no answer
        }
        String callerKey = callerKey(caller, request);
        for (SrtConnection connection : connections.values()) {
            if (connection.peer().equals(caller) && connection.peerSocket() == request.socketId()) {
                connection.answerAgain();
                return;
            }
        }
        if (authorizing.contains(callerKey)) {
            return; // a repeated conclusion while the auth server is asked
        }
        Integer refusedBefore = recentRejections.get(callerKey);
        if (refusedBefore != null) {
            reject(request, caller, refusedBefore); // a repeat that crossed our answer: the same answer, no new question
            return;
        }
        Optional<Integer> refusal = precheck(request, caller);
        if (refusal.isPresent()) {
            reject(request, caller, refusal.get());
            return;
        }
        authorizing.add(callerKey);
        SrtStreamId streamId = SrtStreamId.parse(request.streamId().orElseThrow()).orElseThrow();
        keys(request, caller).compose(crypto -> gate.open(PublishRequest.fromTypedKey("srt", streamId.app(), streamId.key(),
                        caller.hostAddress())).map(stream -> new Accepted(stream, crypto)))
                .onComplete(opened -> {
                    authorizing.remove(callerKey);
                    if (opened.failed()) {
                        reject(request, caller, rejection(opened.cause()));
                        return;
                    }
                    LiveStream stream = opened.result().stream();
                    try {
                        accept(request, caller, stream, opened.result().crypto());
                    } catch (RuntimeException e) {
                        // The publish was accepted: give the channel back rather than leave it claimed.
                        log.error("srt connection of {} not started: {}", stream.grant().channel(), e.toString(), e);
                        stream.end("srt connection not started: " + e.getMessage());
                        reject(request, caller, REJECT_UNAVAILABLE);
                    }
                });
    }

    /** An authorised caller and, when it encrypts, the keys it sent. */
    private record Accepted(LiveStream stream, Optional<SrtCrypto> crypto) {
    }

    /** A refusal decided before or without the auth server, as a handshake rejection code. */
    private static final class Refused extends RuntimeException {
        private final int type;

        Refused(int type) {
            super(null, null, false, false);
            this.type = type;
        }
    }

    /**
     * The caller's keys, unwrapped with our passphrase (PBKDF2, so on a worker thread), before the
     * auth server is asked: a wrong passphrase is refused with 1010 without spending an auth call.
     */
    private Future<Optional<SrtCrypto>> keys(SrtHandshake request, SocketAddress caller) {
        if (settings.passphrase().isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        byte[] message = request.keyMaterialMessage().orElseThrow();
        return vertx.executeBlocking(() -> {
            try {
                return Optional.of(SrtCrypto.fromKeyMaterial(message, settings.passphrase().get()));
            } catch (SrtCrypto.KeyMaterialException e) {
                log.info("srt publish refused: remote={} reason={}", caller.hostAddress(), e.getMessage());
                throw new Refused(e.wrongPassphrase() ? REJECT_BAD_SECRET : REJECT_UNSECURE);
            }
        }, false);
    }

    /** What refuses the caller before the auth server is asked. */
    private Optional<Integer> precheck(SrtHandshake request, SocketAddress caller) {
        if (request.version() != 5 || request.peerVersion() == 0) {
            return Optional.of(REJECT_VERSION);
        }
        if (settings.passphrase().isEmpty() && request.keyMaterial()) {
            log.info("srt publish refused: remote={} reason=encryption asked, no srt.passphrase set", caller.hostAddress());
            return Optional.of(REJECT_UNSECURE);
        }
        if (settings.passphrase().isPresent() && request.keyMaterialMessage().isEmpty()) {
            log.info("srt publish refused: remote={} reason=srt.passphrase set, the caller does not encrypt",
                    caller.hostAddress());
            return Optional.of(REJECT_UNSECURE);
        }
        Optional<SrtStreamId> streamId = request.streamId().flatMap(SrtStreamId::parse);
        if (streamId.isEmpty()) {
            log.info("srt publish refused: remote={} reason=stream id not #!::r=APP/KEY,m=publish", caller.hostAddress());
            return Optional.of(REJECT_BAD_REQUEST);
        }
        if (!streamId.get().publishes()) {
            return Optional.of(REJECT_BAD_MODE);
        }
        String host = caller.hostAddress();
        long asking = authorizing.stream().filter(key -> key.startsWith(host + "/")).count();
        if (connectionsByAddress.getOrDefault(host, 0) + asking >= settings.maxConnectionsPerAddress()
                || connections.size() + authorizing.size() >= settings.maxConnections()) {
            rejected.increment();
            log.warn("srt connection refused: remote={} reason=too many connections", caller.hostAddress());
            return Optional.of(REJECT_OVERLOAD);
        }
        return Optional.empty();
    }

    private static int rejection(Throwable error) {
        if (error instanceof Refused refused) {
            return refused.type;
        }
        if (error instanceof PublishRefusedException refusal) {
            return switch (refusal.reason()) {
                case BAD_KEY -> REJECT_UNAUTHORIZED;
                case ALREADY_LIVE -> REJECT_CONFLICT;
                case RATE_LIMITED -> REJECT_FORBIDDEN;
                case AUTH_UNAVAILABLE -> REJECT_UNAVAILABLE;
            };
        }
        return REJECT_UNAVAILABLE;
    }

    private void accept(SrtHandshake request, SocketAddress caller, LiveStream stream, Optional<SrtCrypto> crypto) {
        int socketId;
        do {
            socketId = random.nextInt() & 0x7FFFFFFF;
        } while (socketId == 0 || socketId == listenerSocket || connections.containsKey(socketId));
        int latencyMillis = (int) Math.min(0xFFFF, Math.max(settings.latency().toMillis(), request.peerLatency()));
        Buffer answer = request.conclusionResponse(socketId, RESPONSE_FLAGS, latencyMillis, SrtReceiver.CAPACITY, address(caller),
                crypto.flatMap(ignored -> request.keyMaterialMessage()));
        InetSocketAddress peer = new InetSocketAddress(caller.hostAddress(), caller.port());
        SrtConnection connection = new SrtConnection(socketId, request.socketId(), caller, request.initialSequence(),
                latencyMillis * 1000L, answer, stream, crypto, packet -> socket.send(packet, peer));
        if (connections.isEmpty()) {
            // The timers of every connection (ACK, NAK, delivery, idle) run only while there are some.
            timer = vertx.setPeriodic(TICK_MILLIS, id -> tick());
        }
        connections.put(socketId, connection);
        stream.whenEndedByOrigin(reason -> close(connection, "ended by the origin: " + reason, true));
        connectionsByAddress.merge(caller.hostAddress(), 1, Integer::sum);
        openConnections.set(connections.size());
        send(answer, caller);
        log.info("srt publisher connected: channel={} stream={} remote={} latency={}ms", stream.grant().channel(),
                stream.grant().streamId(), caller, latencyMillis);
    }

    private void reject(SrtHandshake request, SocketAddress caller, int type) {
        recentRejections.put(callerKey(caller, request), type);
        send(request.rejection(listenerSocket, type, address(caller)), caller);
    }

    private static String callerKey(SocketAddress caller, SrtHandshake request) {
        return caller.hostAddress() + "/" + caller.port() + "/" + request.socketId();
    }

    private void tick() {
        for (SrtConnection connection : List.copyOf(connections.values())) {
            if (connection.idleMicros() > settings.idleTimeout().toNanos() / 1000) {
                close(connection, "no packets for " + settings.idleTimeout().toSeconds() + " s", true);
            } else {
                connection.tick();
            }
        }
    }

    private void close(SrtConnection connection, String reason, boolean tellPeer) {
        if (connections.remove(connection.socketId()) == null) {
            return;
        }
        if (connections.isEmpty()) {
            vertx.cancelTimer(timer);
        }
        connectionsByAddress.computeIfPresent(connection.peer().hostAddress(), (a, n) -> n == 1 ? null : n - 1);
        openConnections.set(connections.size());
        connection.finish();
        lostPackets.increment(connection.lostPackets());
        droppedPackets.increment(connection.droppedPackets());
        log.info("srt publisher gone: channel={} remote={} reason={} {}", connection.stream().grant().channel(),
                connection.peer(), reason, connection.statistics());
        connection.close(reason, tellPeer);
    }

    private void send(Buffer packet, SocketAddress to) {
        socket.send(packet, new InetSocketAddress(to.hostAddress(), to.port()));
    }

    private static byte[] address(SocketAddress caller) {
        try {
            return InetAddress.getByName(caller.hostAddress()).getAddress();
        } catch (UnknownHostException e) {
            return new byte[4];
        }
    }
}
