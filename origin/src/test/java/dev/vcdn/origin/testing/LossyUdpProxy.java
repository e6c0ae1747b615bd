package dev.vcdn.origin.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay on loopback between one SRT caller and a listener that loses the first
 * transmission of every {@code nth} of the caller's first {@code lossyPackets} data packets
 * (retransmissions, which SRT marks, pass), as a lossy network would. The tail is never lost:
 * a caller that has finished closes without waiting for the last retransmissions.
 */
public final class LossyUdpProxy {

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final AtomicInteger dropped = new AtomicInteger();
    private SocketAddress caller;

    private LossyUdpProxy(Vertx vertx, int listenerPort, int nth, int lossyPackets) {
        front = vertx.createDatagramSocket();
        back = vertx.createDatagramSocket();
        AtomicInteger dataPackets = new AtomicInteger();
        front.handler(packet -> {
            caller = packet.sender();
            boolean data = (packet.data().getByte(0) & 0x80) == 0;
            boolean retransmitted = (packet.data().getByte(4) & 0x04) != 0;
            int count = data && !retransmitted ? dataPackets.incrementAndGet() : 0;
            if (count > 0 && count <= lossyPackets && count % nth == 0) {
                dropped.incrementAndGet();
                return;
            }
            back.send(packet.data(), listenerPort, "127.0.0.1");
        });
        back.handler(packet -> {
            if (caller != null) {
                front.send(packet.data(), caller.port(), caller.hostAddress());
            }
        });
    }

    public static Future<LossyUdpProxy> start(Vertx vertx, int listenerPort, int nth, int lossyPackets) {
        LossyUdpProxy proxy = new LossyUdpProxy(vertx, listenerPort, nth, lossyPackets);
        return proxy.back.listen(0, "127.0.0.1").compose(ignored -> proxy.front.listen(0, "127.0.0.1")).map(proxy);
    }

    public int port() {
        return front.localAddress().port();
    }

    public int dropped() {
        return dropped.get();
    }
}
