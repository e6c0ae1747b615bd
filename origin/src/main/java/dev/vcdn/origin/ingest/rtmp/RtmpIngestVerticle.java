package dev.vcdn.origin.ingest.rtmp;

import dev.vcdn.origin.ingest.IngestGate;
import dev.vcdn.shared.process.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The RTMP (and, with a certificate, RTMPS) listener: admits connections within the limits and hands each to an {@link RtmpConnection}. */
public final class RtmpIngestVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(RtmpIngestVerticle.class);

    private final RtmpSettings settings;
    private final IngestGate gate;
    private final Counter rejectedConnections;
    private final Map<String, Integer> connectionsByAddress = new HashMap<>();
    private final Set<RtmpConnection> connections = new HashSet<>();
    /** For the gauge, which is read from other threads than this verticle's. */
    private final AtomicInteger openConnections = new AtomicInteger();
    private final List<Endpoint> endpoints = new ArrayList<>();

    public RtmpIngestVerticle(RtmpSettings settings, IngestGate gate, MeterRegistry metrics) {
        this.settings = settings;
        this.gate = gate;
        this.rejectedConnections = Counter.builder("vcdn.ingest.rejected.connections").tag("protocol", "rtmp")
                .description("Connections closed at once: over the per-address or total limit").register(metrics);
        Gauge.builder("vcdn.ingest.connections", openConnections, AtomicInteger::get).tag("protocol", "rtmp")
                .description("Open RTMP and RTMPS connections").register(metrics);
    }

    @Override
    public Future<?> start() {
        NetServerOptions plain = new NetServerOptions().setHost(settings.host()).setPort(settings.port()).setTcpNoDelay(true);
        Future<NetServer> rtmp = listen(plain, "rtmp");
        if (settings.tls().isEmpty()) {
            return rtmp;
        }
        RtmpSettings.Tls tls = settings.tls().get();
        NetServerOptions secure = new NetServerOptions().setHost(settings.host()).setPort(tls.port()).setTcpNoDelay(true)
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certificate().toString()).setKeyPath(tls.key().toString()));
        return rtmp.compose(ignored -> listen(secure, "rtmps"));
    }

    private Future<NetServer> listen(NetServerOptions options, String protocol) {
        return vertx.createNetServer(options)
                .connectHandler(socket -> accept(socket, protocol))
                .listen()
                .onSuccess(server -> endpoints.add(new Endpoint(protocol, settings.host(), server.actualPort())));
    }

    private void accept(NetSocket socket, String protocol) {
        String address = socket.remoteAddress().hostAddress();
        int fromAddress = connectionsByAddress.getOrDefault(address, 0);
        if (fromAddress >= settings.maxConnectionsPerAddress() || connections.size() >= settings.maxConnections()) {
            rejectedConnections.increment();
            log.warn("rtmp connection refused: remote={} reason={}", address,
                    fromAddress >= settings.maxConnectionsPerAddress() ? "too many connections from this address" : "server full");
            socket.close();
            return;
        }
        connectionsByAddress.merge(address, 1, Integer::sum);
        RtmpConnection[] self = new RtmpConnection[1];
        self[0] = new RtmpConnection(vertx, socket, settings, gate, protocol, () -> {
            connections.remove(self[0]);
            openConnections.set(connections.size());
            connectionsByAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
        });
        connections.add(self[0]);
        openConnections.set(connections.size());
        self[0].start();
    }

    /** Where it listens, once started. */
    public List<Endpoint> endpoints() {
        return List.copyOf(endpoints);
    }

    @Override
    public Future<?> stop() {
        List.copyOf(connections).forEach(connection -> connection.close("server stopping"));
        return Future.succeededFuture();
    }
}
