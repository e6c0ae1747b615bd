package dev.vcdn.shared.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plain-HTTP port beside HTTPS: every request is sent to the same path over HTTPS ({@code 308},
 * which keeps the method), except the health checks, which load balancers and orchestrators ask
 * over plain HTTP and which are answered here as on the HTTPS port. The host comes from the
 * request's Host header, checked to be a host name or address so that nothing else reaches the
 * Location header.
 */
public final class HttpsRedirect implements Handler<RoutingContext> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9.-]{1,253}");
    private static final Pattern IPV6 = Pattern.compile("\\[?([0-9A-Fa-f:.]{2,45})]?");
    private static final int DEFAULT_HTTPS_PORT = 443;

    private final int httpsPort;

    /** @param httpsPort the HTTPS port as clients reach it */
    public HttpsRedirect(int httpsPort) {
        this.httpsPort = httpsPort;
    }

    @Override
    public void handle(RoutingContext ctx) {
        // The Host header, or HTTP/2's :authority (a cleartext client may upgrade to h2c here).
        HostAndPort authority = ctx.request().authority();
        String host = authority == null ? null : hostForUrl(authority.host());
        if (host == null) {
            ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                    .end("a Host header naming this server is needed to redirect to HTTPS\n");
            return;
        }
        String port = httpsPort == DEFAULT_HTTPS_PORT ? "" : ":" + httpsPort;
        ctx.response().setStatusCode(308)
                .putHeader(HttpHeaders.LOCATION, "https://" + host + port + ctx.request().uri())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end();
    }

    /** The host as a URL names it (IPv6 in brackets), or null when it is neither a host name nor an address. */
    private static String hostForUrl(String host) {
        if (NAME.matcher(host).matches()) {
            return host;
        }
        Matcher ipv6 = IPV6.matcher(host);
        return ipv6.matches() && host.contains(":") ? "[" + ipv6.group(1) + "]" : null;
    }
}
