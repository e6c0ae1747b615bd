package dev.vcdn.world;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay that holds every byte half a round trip in each direction: what a far region's edge
 * sees of the origin, on a kernel without netem. Bytes keep their order and the rate is not
 * limited; TLS passes through untouched. An edge opens a handful of upstream connections (a pool
 * and the event stream), so a connection costs four threads here.
 */
final class DelayProxy implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;
    /** Chunks in flight per direction at most: a reader waits (TCP pushes back) past 16 MB. */
    private static final int IN_FLIGHT = 256;

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long oneWayNanos;
    private volatile boolean closed;

    private DelayProxy(ServerSocket server, InetSocketAddress target, Duration roundTrip) {
        this.server = server;
        this.target = target;
        this.oneWayNanos = roundTrip.toNanos() / 2;
    }

    /** Listens on a free port of 127.0.0.1 and relays to {@code target} with {@code roundTrip} added. */
    static DelayProxy start(InetSocketAddress target, Duration roundTrip, String name) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        DelayProxy proxy = new DelayProxy(server, target, roundTrip);
        daemon(name + "-accept", proxy::accept);
        return proxy;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                AtomicInteger open = new AtomicInteger(2);
                relay(client, upstream, open);
                relay(upstream, client, open);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("world: delay proxy to " + target + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * One direction: a reader stamps each chunk with when it may leave, a writer sends it then. Its
     * end is passed on as a half close; the sockets close when both directions ended, or at an error.
     */
    private void relay(Socket from, Socket to, AtomicInteger open) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(IN_FLIGHT);
        daemon("delay-read", () -> {
            try {
                InputStream in = from.getInputStream();
                byte[] buffer = new byte[CHUNK];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    queue.put(new Chunk(System.nanoTime() + oneWayNanos, Arrays.copyOf(buffer, read)));
                }
                queue.put(new Chunk(System.nanoTime() + oneWayNanos, null));
            } catch (IOException ended) {
                // The connection closed or failed: the writer ends too.
                queue.clear();
                queue.offer(new Chunk(System.nanoTime(), null));
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        });
        daemon("delay-write", () -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (chunk.bytes() == null) {
                        to.shutdownOutput();
                        break;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
                if (open.decrementAndGet() > 0) {
                    return;
                }
            } catch (IOException | InterruptedException ended) {
                // The connection closed or failed: end both directions.
            }
            closeQuietly(from);
            closeQuietly(to);
        });
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
