package dev.vcdn.shared.http;

import dev.vcdn.shared.config.HttpServerConfig;
import dev.vcdn.shared.tls.ServerTlsOptions;
import io.vertx.core.http.HttpServerOptions;

/** Server options every public HTTP endpoint starts from: small request heads, idle sockets closed, TLS when configured. */
public final class HttpServers {

    /** Request line, e.g. a playback URL with its LL-HLS query: far below this. */
    public static final int MAX_INITIAL_LINE_BYTES = 4096;
    public static final int MAX_HEADER_BYTES = 8192;
    public static final int IDLE_TIMEOUT_SECONDS = 60;

    private HttpServers() {
    }

    /**
     * HTTPS (h2 and http/1.1) when the config has a certificate, plain HTTP without. Nothing is
     * compressed per response: what is worth compressing is compressed once and sent as it is (the
     * edge's playlists and player files), media never. Vert.x's own compression is off because over
     * HTTP/2 it breaks a connection's later compressed answers once one answer went uncompressed
     * (vert.x#5896, 5.0.6 and 5.0.7: a gzip header over a plain body, ERR_CONTENT_DECODING_FAILED in
     * Chromium), and LL-HLS mixes the two on every connection.
     */
    public static HttpServerOptions options(HttpServerConfig config) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                .setCompressionSupported(false);
        config.tls().ifPresent(tls -> ServerTlsOptions.apply(options, tls.material(), tls.openSsl(), MAX_HEADER_BYTES));
        return options;
    }
}
