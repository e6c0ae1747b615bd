package dev.vcdn.origin.ingest.webrtc;

import dev.vcdn.origin.auth.PublishRefusedException;
import dev.vcdn.origin.auth.PublishRequest;
import dev.vcdn.origin.ingest.IngestGate;
import dev.vcdn.origin.ingest.LiveStream;
import dev.vcdn.origin.ingest.UdpSocket;
import dev.vcdn.origin.ingest.webrtc.SdpOffer.InvalidOfferException;
import dev.vcdn.shared.process.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebRTC ingest (WHIP, RFC 9725): the offers that come through the origin's HTTP server are
 * answered here, and every session's ICE, DTLS and SRTP arrive on one UDP port, told apart by
 * the first byte (RFC 7983) and then by ICE ufrag (STUN) or by the address that passed a check
 * (DTLS, SRTP). A session is created only for a valid offer with an authorised stream key; it
 * has {@code whip.connect-timeout} to connect and ends when its publisher goes quiet.
 */
public final class WhipIngestVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(WhipIngestVerticle.class);
    private static final long TICK_MILLIS = 10;
    private static final int RECEIVE_QUEUE_BYTES = 4 << 20;
    private static final int REMEMBERED_SESSIONS = 1024;
    /** Each origin's address for DELETE and PATCH of its sessions that reached another origin's HTTP port. */
    private static final String CONTROL_ADDRESS = "vcdn.whip.sessions.";
    private static final long FORWARD_TIMEOUT_MILLIS = 3000;
    /** Session ids: this origin's 8 hex digits, then 24 random ones. */
    private static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[0-9a-f]{32}");
    private static final int NODE_ID_LENGTH = 8;

    /** The answer to an accepted offer. */
    public record Answer(String sessionId, String sdp, String etag) {
    }

    private final WhipSettings settings;
    private final IngestGate gate;
    private final MeterRegistry metrics;
    private final SecureRandom random = new SecureRandom();
    private final String nodeId = HexFormat.of().formatHex(randomBytes(NODE_ID_LENGTH / 2));
    private final Map<String, WhipSession> sessions = new HashMap<>();
    private final Map<String, WhipSession> byUfrag = new HashMap<>();
    private final Map<InetSocketAddress, WhipSession> byAddress = new HashMap<>();
    private final List<Endpoint> endpoints = new ArrayList<>();
    /** Sessions that ended lately: a DELETE after the publisher's own close still gets its 200. */
    private final Map<String, Boolean> recentlyEnded = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_SESSIONS;
        }
    };
    /** Offers accepted but waiting for the auth server: they count against the limit too. */
    private int authorizing;
    private volatile int sessionCount;
    private DtlsIdentity identity;
    private WhipStats stats;
    private UdpSocket socket;
    private long timer = -1;

    public WhipIngestVerticle(WhipSettings settings, IngestGate gate, MeterRegistry metrics) {
        this.settings = settings;
        this.gate = gate;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        stats = new WhipStats(metrics, () -> sessionCount);
        return vertx.executeBlocking(() -> DtlsIdentity.generate(random)).compose(generated -> {
            identity = generated;
            return UdpSocket.bind((ContextInternal) context, settings.host(), settings.port(), RECEIVE_QUEUE_BYTES,
                    this::received);
        }).onSuccess(bound -> {
            socket = bound;
            endpoints.add(new Endpoint("whip", settings.host(), bound.port()));
            vertx.eventBus().<JsonObject>consumer(CONTROL_ADDRESS + nodeId, this::controlled);
        });
    }

    /** The UDP port, once started. */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    @Override
    public Future<?> stop() {
        List.copyOf(sessions.values()).forEach(session -> session.close("server stopping"));
        return socket == null ? Future.succeededFuture() : socket.close();
    }

    /**
     * Answers an offer (from any context; completes on the caller's).
     *
     * @param httpLocalHost the address the publisher's HTTP request reached: our candidate unless configured
     */
    public Future<Answer> publish(String app, String streamKey, boolean backup, String offerSdp, String remoteHost,
                                  String httpLocalHost) {
        return onOwnContext(() -> {
            if (sessions.size() + authorizing >= settings.maxSessions()) {
                return Future.failedFuture(new WhipRefusal(503, "too many WebRTC sessions"));
            }
            SdpOffer offer;
            SdpAnswer.Negotiated negotiated;
            try {
                offer = SdpOffer.parse(offerSdp);
                negotiated = SdpAnswer.negotiate(offer);
            } catch (InvalidOfferException e) {
                return Future.failedFuture(new WhipRefusal(400, "unusable offer: " + e.getMessage()));
            }
            authorizing++;
            return gate.open(new PublishRequest("whip", app, streamKey, remoteHost, backup))
                    .recover(error -> Future.failedFuture(refusal(error)))
                    .eventually(() -> {
                        authorizing--;
                        return Future.succeededFuture();
                    })
                    .compose(stream -> {
                        try {
                            return Future.succeededFuture(answer(stream, offer, negotiated, httpLocalHost));
                        } catch (RuntimeException e) {
                            // The publish was accepted: give the channel back rather than leave it claimed.
                            log.error("whip session of {} not started: {}", stream.grant().channel(), e.toString(), e);
                            stream.end("whip session not started: " + e.getMessage());
                            return Future.failedFuture(new WhipRefusal(500, "the session could not be started"));
                        }
                    });
        });
    }

    /** Starts the session of an accepted publish: everything that can fail comes before it is registered. */
    private Answer answer(LiveStream stream, SdpOffer offer, SdpAnswer.Negotiated negotiated, String httpLocalHost) {
        String id = nodeId + HexFormat.of().formatHex(randomBytes(12));
        IceCredentials ice = IceCredentials.random(random);
        String sdp = SdpAnswer.write(offer, negotiated, ice, identity.fingerprint(), candidateHosts(httpLocalHost), socket.port(),
                random.nextLong() & Long.MAX_VALUE);
        WhipSession session = new WhipSession(id, ice, offer, negotiated, stream,
                new WhipSession.Environment(settings, identity, random, this::send,
                        task -> context.runOnContext(ignored -> task.run()), stats, this::forget),
                System.currentTimeMillis());
        stream.whenEndedByOrigin(reason -> session.close("ended by the origin: " + reason));
        sessions.put(id, session);
        byUfrag.put(ice.ufrag(), session);
        sessionCount = sessions.size();
        startTimer();
        log.info("whip session {} of {} answered: video pt {}, audio {}", id, stream.grant().channel(),
                negotiated.video().codec().payloadType(),
                negotiated.audio().map(track -> "pt " + track.codec().payloadType()).orElse("none"));
        return new Answer(id, sdp, etag(ice));
    }

    /**
     * Ends a session (DELETE of its resource), on whichever origin holds it.
     *
     * @return the HTTP status: 200, or 404 when no origin has (or lately had) it
     */
    public Future<Integer> delete(String sessionId) {
        return control(sessionId, new JsonObject().put("op", "delete"));
    }

    /**
     * A PATCH of a session's resource (RFC 9725 section 4.3), on whichever origin holds it:
     * trickled candidates are taken and not needed (an ICE-lite agent only answers checks); an ICE
     * restart is refused with 422.
     *
     * @return the HTTP status to answer
     */
    public Future<Integer> patch(String sessionId, Optional<String> ifMatch, String fragment) {
        JsonObject request = new JsonObject().put("op", "patch").put("fragment", fragment);
        ifMatch.ifPresent(value -> request.put("ifMatch", value));
        return control(sessionId, request);
    }

    private Future<Integer> control(String sessionId, JsonObject request) {
        if (!SESSION_ID.matcher(sessionId).matches()) {
            return Future.succeededFuture(404);
        }
        String holder = sessionId.substring(0, NODE_ID_LENGTH);
        if (holder.equals(nodeId)) {
            return onOwnContext(() -> Future.succeededFuture(controlHere(sessionId, request)));
        }
        // The POST reached another origin behind the same load balancer: that one holds the session.
        return vertx.eventBus().<Integer>request(CONTROL_ADDRESS + holder, request.put("id", sessionId),
                        new DeliveryOptions().setSendTimeout(FORWARD_TIMEOUT_MILLIS))
                .map(Message::body)
                .recover(error -> Future.succeededFuture(error instanceof ReplyException reply
                        && reply.failureType() == ReplyFailure.NO_HANDLERS ? 404 : 503));
    }

    private void controlled(Message<JsonObject> message) {
        String sessionId = message.body().getString("id", "");
        message.reply(SESSION_ID.matcher(sessionId).matches() ? controlHere(sessionId, message.body()) : 404);
    }

    /** On this verticle's event loop. */
    private int controlHere(String sessionId, JsonObject request) {
        WhipSession session = sessions.get(sessionId);
        if (request.getString("op").equals("delete")) {
            if (session == null) {
                return recentlyEnded.containsKey(sessionId) ? 200 : 404;
            }
            session.close("publisher deleted the session");
            return 200;
        }
        if (session == null) {
            return 404;
        }
        String ifMatch = request.getString("ifMatch");
        if (ifMatch != null && !ifMatch.equals("*") && !ifMatch.equals(etag(session.ice()))) {
            return 412;
        }
        boolean restart = request.getString("fragment", "").lines().map(String::trim).anyMatch(line ->
                line.startsWith("a=ice-ufrag:") && !line.substring("a=ice-ufrag:".length()).equals(session.offerUfrag()));
        return restart ? 422 : 204;
    }

    private static String etag(IceCredentials ice) {
        return "\"" + ice.ufrag() + "\"";
    }

    private List<String> candidateHosts(String httpLocalHost) {
        if (!settings.candidateHosts().isEmpty()) {
            return settings.candidateHosts();
        }
        boolean wildcard = settings.host().equals("0.0.0.0") || settings.host().equals("::");
        return List.of(wildcard || !WhipSettings.isIpLiteral(settings.host()) ? httpLocalHost : settings.host());
    }

    private static WhipRefusal refusal(Throwable error) {
        if (error instanceof PublishRefusedException refused) {
            return switch (refused.reason()) {
                case BAD_KEY -> new WhipRefusal(401, "unknown stream key");
                case ALREADY_LIVE -> new WhipRefusal(409, "the channel is already live");
                case RATE_LIMITED -> new WhipRefusal(429, "too many wrong keys from this address; try later");
                case AUTH_UNAVAILABLE -> new WhipRefusal(503, "the auth server is unavailable");
            };
        }
        return new WhipRefusal(503, "publish not possible now: " + error.getMessage());
    }

    private void received(Buffer data, SocketAddress sender) {
        byte[] datagram = data.getBytes();
        if (datagram.length == 0) {
            return;
        }
        InetSocketAddress from = new InetSocketAddress(sender.hostAddress(), sender.port());
        long now = System.currentTimeMillis();
        int first = datagram[0] & 0xFF;
        if (first < 4) {
            StunMessage.parseBindingRequest(datagram, datagram.length).ifPresentOrElse(request -> {
                WhipSession session = byUfrag.get(request.localUfrag());
                if (session == null) {
                    stats.refusedStun();
                } else if (session.stun(request, datagram, from, now)) {
                    byAddress.putIfAbsent(from, session);
                }
            }, stats::refusedStun);
            return;
        }
        WhipSession session = byAddress.get(from);
        if (session == null) {
            return;
        }
        if (first >= 20 && first <= 63) {
            session.dtls(datagram, from, now);
        } else if (first >= 128 && first <= 191) {
            try {
                session.rtpOrRtcp(datagram, datagram.length, from, now);
            } catch (RuntimeException e) {
                // A fault of ours that this publisher's media met: its tracks' state is unknown now, so its
                // session ends (the publisher may come back); every other session goes on.
                log.error("whip session {} ended: its media broke the receiver: {}", session.id(), e.toString(), e);
                session.close("media the receiver could not take (" + e + ")");
            }
        }
    }

    private void send(byte[] datagram, InetSocketAddress to) {
        socket.send(Buffer.buffer(datagram), to);
    }

    private void forget(WhipSession session) {
        sessions.remove(session.id());
        recentlyEnded.put(session.id(), true);
        byUfrag.remove(session.ice().ufrag());
        byAddress.values().removeIf(owner -> owner == session);
        sessionCount = sessions.size();
    }

    private void startTimer() {
        if (timer < 0) {
            timer = vertx.setPeriodic(TICK_MILLIS, id -> tick());
        }
    }

    private void tick() {
        long now = System.currentTimeMillis();
        List.copyOf(sessions.values()).forEach(session -> session.tick(now));
        if (sessions.isEmpty()) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Runs {@code work} on this verticle's event loop; the result completes on the caller's context. */
    private <T> Future<T> onOwnContext(Supplier<Future<T>> work) {
        PromiseInternal<T> result = ((ContextInternal) vertx.getOrCreateContext()).promise();
        context.runOnContext(ignored -> {
            try {
                work.get().onComplete(result);
            } catch (RuntimeException e) {
                result.fail(e);
            }
        });
        return result.future();
    }
}
