package dev.vcdn.shared.config;

/**
 * Where a process serves HTTP.
 *
 * @param host bind address ({@code http.host}, {@code VCDN_HTTP_HOST}, default {@code 0.0.0.0})
 * @param port TCP port ({@code http.port}, {@code VCDN_HTTP_PORT}); 0 picks a free one
 */
public record HttpServerConfig(String host, int port) {

    public static final String DEFAULT_HOST = "0.0.0.0";

    public HttpServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("http host is missing");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("http port out of range: " + port);
        }
    }

    public static HttpServerConfig read(ConfigSource source, int defaultPort) {
        return new HttpServerConfig(source.string("http.host", DEFAULT_HOST), source.port("http.port", defaultPort));
    }
}
