package dev.vcdn.shared.http;

import dev.vcdn.shared.config.HttpServerConfig;
import io.vertx.core.http.HttpServerOptions;

/** Server options every public HTTP endpoint starts from: small request heads, idle sockets closed. */
public final class HttpServers {

    /** Request line, e.g. a playback URL with its LL-HLS query: far below this. */
    public static final int MAX_INITIAL_LINE_BYTES = 4096;
    public static final int MAX_HEADER_BYTES = 8192;
    public static final int IDLE_TIMEOUT_SECONDS = 60;

    private HttpServers() {
    }

    public static HttpServerOptions options(HttpServerConfig config) {
        return new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setIdleTimeout(IDLE_TIMEOUT_SECONDS)
                .setCompressionSupported(true);
    }
}
