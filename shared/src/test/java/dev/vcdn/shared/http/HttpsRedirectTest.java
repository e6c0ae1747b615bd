package dev.vcdn.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plain port's redirect, given what clients send as Host: names, addresses, nonsense. */
class HttpsRedirectTest {

    private final Vertx vertx = Vertx.vertx();
    private int port;

    @BeforeEach
    void start() throws Exception {
        Router router = Router.router(vertx);
        router.route().handler(new TargetGuard());
        router.route().handler(new HttpsRedirect(8443));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theSamePathOnTheSameHostOverHttps() throws Exception {
        assertThat(head("/live/a/master.m3u8?x=1", "edge1.example.com"))
                .startsWith("HTTP/1.1 308").contains("location: https://edge1.example.com:8443/live/a/master.m3u8?x=1");
        assertThat(head("/", "edge1.example.com:80")).contains("location: https://edge1.example.com:8443/");
        assertThat(head("/", "[2001:db8::1]:80")).contains("location: https://[2001:db8::1]:8443/");
    }

    @Test
    void nothingButAHostReachesTheLocation() throws Exception {
        assertThat(head("/", "evil.example/x")).startsWith("HTTP/1.1 400");
        assertThat(head("/", "a b")).startsWith("HTTP/1.1 400");
        assertThat(head("//evil.example/", "edge1.example.com")).as("a path that would read as a host").startsWith("HTTP/1.1 400");
    }

    /** The status line and headers (lower case) of a raw HTTP/1.1 request with {@code host} as it is. */
    private String head(String target, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            int end = answer.indexOf("\r\n\r\n");
            return (end < 0 ? answer : answer.substring(0, end)).toLowerCase().replaceFirst("^http", "HTTP");
        }
    }
}
