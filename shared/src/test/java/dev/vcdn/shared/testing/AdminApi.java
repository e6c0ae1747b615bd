package dev.vcdn.shared.testing;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The origin's admin API as tests and benchmarks call it from a plain thread. */
public final class AdminApi {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AdminApi() {
    }

    /** {@code POST /api/channels}: creates {@code name} on the origin at {@code httpPort}; its stream key. */
    public static String createChannel(int httpPort, String adminToken, String name) throws Exception {
        return createChannel(httpPort, adminToken, new JsonObject().put("name", name));
    }

    /** The same with every field of the request given ({@code {"name":"alice","recording":true}}). */
    public static String createChannel(int httpPort, String adminToken, JsonObject channel) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/channels"))
                .header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString(channel.encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("channel " + channel + " not created: " + created.statusCode() + " " + created.body());
        }
        return new JsonObject(created.body()).getString("streamKey");
    }
}
