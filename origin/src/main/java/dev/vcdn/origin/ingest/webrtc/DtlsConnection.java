package dev.vcdn.origin.ingest.webrtc;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's DTLS, on a thread of its own: Bouncy Castle's DTLS is blocking, so the event loop
 * only hands it datagrams through a bounded queue and hears back once through callbacks. After
 * the handshake the thread keeps reading, to answer a client that repeats its last flight (ours
 * was lost) and to notice the client's close_notify; it ends when the session closes.
 */
final class DtlsConnection implements DatagramTransport {

    private static final Logger log = LoggerFactory.getLogger(DtlsConnection.class);
    /** What a DTLS record may be on our path: below the usual 1500-byte MTU with IP, UDP headers to spare. */
    private static final int MTU = 1200;
    private static final int QUEUED_DATAGRAMS = 64;
    private static final int RECEIVE_LIMIT = 2048;

    /** What the session hears, on the DTLS thread; it hops to its own event loop. */
    interface Listener {
        void handshakeDone(SrtpKeys keys);

        /** The handshake failed, the client closed, or reading failed; {@code reason} for the log. */
        void closed(String reason);
    }

    private final BlockingQueue<byte[]> incoming = new ArrayBlockingQueue<>(QUEUED_DATAGRAMS);
    private final Consumer<byte[]> sender;
    private final DtlsSrtpServer server;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean stopped;

    /**
     * @param sender sends a datagram to the client's selected address; called from the DTLS thread
     */
    DtlsConnection(String name, DtlsIdentity identity, byte[] clientFingerprint, SecureRandom random,
                   Consumer<byte[]> sender, Listener listener) {
        this.sender = sender;
        this.listener = listener;
        this.server = new DtlsSrtpServer(new BcTlsCrypto(random), identity, clientFingerprint);
        this.thread = new Thread(this::run, "whip-dtls-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** A DTLS datagram from the client, from the event loop; dropped when the thread is behind (DTLS retransmits). */
    void received(byte[] datagram) {
        if (!closed) {
            incoming.offer(datagram);
        }
    }

    private void run() {
        String reason = "closed";
        try {
            DTLSTransport transport = new DTLSServerProtocol().accept(server, this);
            listener.handshakeDone(server.keys());
            byte[] buffer = new byte[RECEIVE_LIMIT];
            while (!closed) {
                if (transport.receive(buffer, 0, buffer.length, 1000) < 0 && closed) {
                    break;
                }
            }
            reason = "publisher closed the connection (DTLS close_notify)";
        } catch (IOException | RuntimeException e) {
            reason = stopped ? "closed" : "dtls: " + e.getMessage();
            log.debug("dtls of {} ended", thread.getName(), e);
        } finally {
            closed = true;
            listener.closed(reason);
        }
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return MTU;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (stopped) {
            throw new IOException("session closed");
        }
        if (closed) {
            return -1; // the client's close_notify: the reading loop ends
        }
        try {
            byte[] datagram = incoming.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (datagram == null) {
                return -1;
            }
            int length = Math.min(len, datagram.length);
            System.arraycopy(datagram, 0, buf, off, length);
            return length;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (!closed) {
            sender.accept(java.util.Arrays.copyOfRange(buf, off, off + len));
        }
    }

    /** Bouncy Castle's end of the transport: after the client's close_notify, or a fatal alert. */
    @Override
    public void close() {
        closed = true;
    }

    /** The session's end: the thread stops (at once, or within a second); idempotent. */
    void stop() {
        stopped = true;
        closed = true;
        thread.interrupt();
    }
}
