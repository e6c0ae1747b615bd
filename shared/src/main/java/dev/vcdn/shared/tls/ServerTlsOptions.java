package dev.vcdn.shared.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * HTTPS as every server of ours speaks it: TLS 1.2 and 1.3 with forward-secret AEAD suites only, ALPN
 * offering {@code h2} then {@code http/1.1}, and HTTP/2 limits for LL-HLS: enough concurrent streams
 * for a page holding blocking reloads, hinted parts and thumbnails of many renditions, request heads
 * as small as HTTP/1.1's, a client that resets streams in a loop (CVE-2023-44487) losing its connection.
 */
public final class ServerTlsOptions {

    public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    /** TLS 1.3's suites, then TLS 1.2's ECDHE ones with AES-GCM or ChaCha20-Poly1305: no RSA key exchange, no CBC. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    /** Far above a player's few and a multi-view page's dozens; nginx allows 128. */
    public static final int MAX_CONCURRENT_STREAMS = 256;
    /** A client's resets tolerated per window before its connection is closed (Vert.x's default, named here). */
    public static final int MAX_RESETS_PER_WINDOW = 200;
    public static final int RESET_WINDOW_SECONDS = 30;
    public static final int HANDSHAKE_TIMEOUT_SECONDS = 10;

    private ServerTlsOptions() {
    }

    /**
     * Turns {@code options} into HTTPS serving {@code material}, with BoringSSL when {@code openSsl};
     * {@code maxHeaderBytes} bounds an h2 request head too.
     */
    public static HttpServerOptions apply(HttpServerOptions options, TlsMaterial material, boolean openSsl, int maxHeaderBytes) {
        if (openSsl) {
            options.setSslEngineOptions(new OpenSSLEngineOptions());
        }
        options.setSsl(true)
                .setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                .setKeyCertOptions(keyCert(material))
                .setEnabledSecureTransportProtocols(PROTOCOLS)
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS)
                .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                .setInitialSettings(new Http2Settings()
                        .setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .setMaxHeaderListSize(maxHeaderBytes))
                .setHttp2RstFloodMaxRstFramePerWindow(MAX_RESETS_PER_WINDOW)
                .setHttp2RstFloodWindowDuration(RESET_WINDOW_SECONDS)
                .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
        CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        return options;
    }

    public static KeyCertOptions keyCert(TlsMaterial material) {
        return new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(material.certificatePem()))
                .setKeyValue(Buffer.buffer(material.keyPem()));
    }
}
