package dev.vcdn.geo.dns;

import dev.vcdn.shared.net.IpLiteral;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.xbill.DNS.Rcode;

/**
 * The geo-DNS sockets: UDP and TCP on one port (the TCP listener takes the port UDP got, so
 * port 0 works too). UDP answers pass the response-rate limiter; TCP carries length-prefixed
 * messages, a bounded number per connection, and idle connections are closed.
 */
public final class GeoDnsServer {

    /** Largest UDP query worth parsing; real ones are under 512 bytes with EDNS. */
    static final int MAX_UDP_QUERY = 4096;
    static final int MAX_QUERIES_PER_TCP_CONNECTION = 100;
    static final int TCP_IDLE_SECONDS = 10;

    private final Vertx vertx;
    private final DnsResponder responder;
    private final ResponseRateLimiter limiter;
    private final MeterRegistry metrics;
    private final Counter malformed;
    private final Counter truncated;
    private final Counter limited;
    /** The queries counter of each transport and response code, registered once (not per query). */
    private final Map<String, Counter> answered = new HashMap<>();
    private DatagramSocket udp;
    private NetServer tcp;

    public GeoDnsServer(Vertx vertx, DnsResponder responder, int responsesPerSecond, MeterRegistry metrics, LongSupplier nanoTime) {
        this.vertx = vertx;
        this.responder = responder;
        this.limiter = new ResponseRateLimiter(responsesPerSecond, nanoTime);
        this.metrics = metrics;
        this.malformed = Counter.builder("vcdn.geo.dns.dropped").description("DNS packets dropped as malformed or not queries")
                .register(metrics);
        this.truncated = Counter.builder("vcdn.geo.dns.truncated").description("UDP answers truncated (TC) for the client's size")
                .register(metrics);
        this.limited = Counter.builder("vcdn.geo.dns.rate.limited")
                .description("UDP queries over their source prefix's rate, dropped or slipped").register(metrics);
    }

    /** Binds UDP on {@code port} (0: any), then TCP on the same port; returns the port. */
    public Future<Integer> listen(String host, int port) {
        udp = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(host.contains(":")));
        udp.handler(this::onDatagram);
        return udp.listen(port, host).compose(bound -> {
            int actual = bound.localAddress().port();
            tcp = vertx.createNetServer(new NetServerOptions().setIdleTimeout(TCP_IDLE_SECONDS));
            tcp.connectHandler(this::onConnection);
            return tcp.listen(actual, host).map(actual);
        });
    }

    private void onDatagram(DatagramPacket packet) {
        if (packet.data().length() > MAX_UDP_QUERY) {
            malformed.increment();
            return;
        }
        Optional<InetAddress> source = IpLiteral.parse(packet.sender().host());
        if (source.isEmpty()) {
            return;
        }
        byte[] query = packet.data().getBytes();
        switch (limiter.check(source.get())) {
            case DROP -> limited.increment();
            case SLIP -> {
                limited.increment();
                DnsResponder.slip(query).ifPresent(bytes -> udp.send(Buffer.buffer(bytes), packet.sender().port(),
                        packet.sender().host()));
            }
            default -> answer(query, source.get(), DnsResponder.Transport.UDP).ifPresent(bytes ->
                    udp.send(Buffer.buffer(bytes), packet.sender().port(), packet.sender().host()));
        }
    }

    private void onConnection(NetSocket socket) {
        Optional<InetAddress> source = IpLiteral.parse(socket.remoteAddress().host());
        if (source.isEmpty()) {
            socket.close();
            return;
        }
        RecordParser parser = RecordParser.newFixed(2);
        int[] expected = {-1};
        int[] answered = {0};
        parser.handler(chunk -> {
            if (expected[0] < 0) {
                expected[0] = chunk.getUnsignedShort(0);
                if (expected[0] == 0) {
                    socket.close();
                    return;
                }
                parser.fixedSizeMode(expected[0]);
                return;
            }
            expected[0] = -1;
            parser.fixedSizeMode(2);
            Optional<byte[]> answer = answer(chunk.getBytes(), source.get(), DnsResponder.Transport.TCP);
            if (answer.isEmpty() || ++answered[0] >= MAX_QUERIES_PER_TCP_CONNECTION) {
                answer.ifPresent(bytes -> socket.write(Buffer.buffer(bytes.length + 2).appendUnsignedShort(bytes.length)
                        .appendBytes(bytes)));
                socket.end();
                return;
            }
            byte[] bytes = answer.get();
            socket.write(Buffer.buffer(bytes.length + 2).appendUnsignedShort(bytes.length).appendBytes(bytes));
        });
        socket.handler(parser);
        socket.exceptionHandler(error -> socket.close());
    }

    private Optional<byte[]> answer(byte[] query, InetAddress source, DnsResponder.Transport transport) {
        Optional<DnsResponder.Answer> answer = responder.respond(query, source, transport);
        if (answer.isEmpty()) {
            malformed.increment();
            return Optional.empty();
        }
        if (answer.get().truncated()) {
            truncated.increment();
        }
        answered.computeIfAbsent(transport.name() + answer.get().rcode(), key -> Counter.builder("vcdn.geo.dns.queries")
                .description("DNS queries answered, by transport and response code")
                .tag("transport", transport.name().toLowerCase(Locale.ROOT))
                .tag("rcode", Rcode.string(answer.get().rcode()).toLowerCase(Locale.ROOT))
                .register(metrics)).increment();
        return Optional.of(answer.get().wire());
    }


    public Future<Void> close() {
        Future<Void> udpClosed = udp == null ? Future.succeededFuture() : udp.close();
        Future<Void> tcpClosed = tcp == null ? Future.succeededFuture() : tcp.close();
        return Future.join(udpClosed, tcpClosed).mapEmpty();
    }
}
