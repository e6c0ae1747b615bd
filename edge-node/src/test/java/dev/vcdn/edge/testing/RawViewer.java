package dev.vcdn.edge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A viewer at a loopback address of its own (127.0.0.0/8 is all local): what an edge sees as a
 * distinct client, as many as a test needs, each speaking HTTP/1.1 on a plain socket it controls.
 */
public final class RawViewer implements AutoCloseable {

    /** A response head, and as much of the body as came. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public long contentLength() {
            return Long.parseLong(headers.getOrDefault("content-length", "-1"));
        }
    }

    private final Socket socket;

    private RawViewer(Socket socket) {
        this.socket = socket;
    }

    /**
     * @param receiveBuffer the socket's receive buffer in bytes, set before connecting (a small one
     *                      makes a slow reader: the kernel holds little for it); 0 for the default
     */
    public static RawViewer connect(String localAddress, int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        return new RawViewer(socket);
    }

    /** One GET on a connection of its own. */
    public static Answer get(String localAddress, int port, String path) throws IOException {
        return get(localAddress, port, path, Map.of());
    }

    /** One GET with {@code headers} on a connection of its own. */
    public static Answer get(String localAddress, int port, String path, Map<String, String> headers) throws IOException {
        try (RawViewer viewer = connect(localAddress, port, 0)) {
            viewer.send(path, 1, headers);
            return viewer.read();
        }
    }

    /** Writes {@code times} requests for {@code path} at once (HTTP/1.1 pipelining), reading nothing. */
    public void send(String path, int times) throws IOException {
        send(path, times, Map.of());
    }

    private void send(String path, int times, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        String request = head.append("\r\n").toString();
        socket.getOutputStream().write(request.repeat(times).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads one answer: its head, then its body by Content-Length, or what came before the connection closed. */
    public Answer read() throws IOException {
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        if (statusLine.isEmpty()) {
            throw new IOException("connection closed before an answer");
        }
        Map<String, String> headers = new HashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        while (body.size() < length) {
            int read = in.read(chunk, 0, (int) Math.min(chunk.length, length - body.size()));
            if (read < 0) {
                break;
            }
            body.write(chunk, 0, read);
        }
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, body.toByteArray());
    }

    /** Reads and drops everything until the edge closes the connection; the bytes read. */
    public long drain() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
            total += read;
        }
        return total;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
