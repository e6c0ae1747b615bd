package dev.vcdn.world;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A small world on one machine, from the built jars: one origin, two regions (eu on 127.0.0.2,
 * na on 127.0.0.3) with one edge each in their own Hazelcast cluster, geo-config (DNS and
 * director) and a test-pattern publisher live on channel {@code demo}. Prints what to open and
 * stops everything on Ctrl-C. Run from the repository root; state lives in {@code data/world}
 * and is reused by the next run (admin token, channels, keys, the certificate authority).
 *
 * <p>{@code --regions 6} starts the design's six regions instead (eu, na, sa, sea, au, af on
 * 127.0.0.2 to .7), each edge reaching the origin through a {@link DelayProxy} that adds the
 * round trip of its region ({@link Region#of}); {@code --rtt na=120,au=300} sets others (ms).
 *
 * <p>Every HTTP server speaks HTTPS (h2 and http/1.1) with certificates of the world's own
 * certificate authority ({@link WorldCertificates}), as a real deployment would with ACME; the
 * edges fetch from the origin over HTTPS trusting it. {@code --http} runs it on plain HTTP instead.
 * {@code --ephemeral} takes free ports everywhere (for tests); {@code --data DIR} moves the state.
 */
public final class WorldMain {

    static final String DEMO_CHANNEL = "demo";
    static final String OBS_CHANNEL = "studio";
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    static final Duration LIVE_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final boolean ephemeral;
    private final int regionCount;
    private final Map<String, Duration> rtts;
    private final List<DelayProxy> proxies = new ArrayList<>();
    private final Path data;
    private final Optional<WorldCertificates> certificates;
    private final String scheme;
    private final List<Child> children = new ArrayList<>();
    private final HttpClient http;
    /** What the world's origin and edges share for the event stream and private channels: new on every run. */
    private final String edgeToken = randomHex(24);
    private volatile boolean stopping;

    private WorldMain(boolean ephemeral, Path data, boolean https, int regionCount, Map<String, Duration> rtts)
            throws IOException {
        this.ephemeral = ephemeral;
        this.regionCount = regionCount;
        this.rtts = rtts;
        this.data = data;
        this.certificates = https ? Optional.of(WorldCertificates.ensure(data.resolve("tls"))) : Optional.empty();
        this.scheme = https ? "https" : "http";
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        certificates.ifPresent(authority -> client.sslContext(authority.sslContext()));
        this.http = client.build();
    }

    public static void main(String[] args) throws Exception {
        boolean ephemeral = false;
        boolean https = true;
        Path data = Path.of("data/world");
        int regions = 2;
        Map<String, Duration> rtts = new HashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--ephemeral" -> ephemeral = true;
                    case "--http" -> https = false;
                    case "--data" -> data = Path.of(args[++i]);
                    case "--regions" -> regions = Integer.parseInt(args[++i]);
                    case "--rtt" -> rtts.putAll(rtts(args[++i]));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (regions != 2 && regions != 6) {
                throw new IllegalArgumentException("--regions takes 2 or 6");
            }
        } catch (RuntimeException bad) {
            System.err.println("world: " + bad.getMessage());
            System.err.println("usage: world [--ephemeral] [--http] [--data DIR] [--regions 2|6] [--rtt REGION=MS,...]");
            System.exit(2);
        }
        WorldMain world = new WorldMain(ephemeral, data, https, regions, rtts);
        Runtime.getRuntime().addShutdownHook(new Thread(world::stopAll, "world-stop"));
        try {
            world.run();
        } catch (Exception e) {
            if (!world.stopping) {
                System.err.println("world: " + e.getMessage());
                System.exit(1);
            }
        }
    }

    private void run() throws Exception {
        for (Path jar : List.of(Jars.ORIGIN, Jars.EDGE, Jars.GEO)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build with mvn -DskipTests package (deploy/run-local.sh does)");
            }
        }
        Files.createDirectories(data);
        Path geoip = GeoIpFile.ensure(data.getParent() == null ? data : data.getParent());
        String adminToken = adminToken();

        Child origin = start("origin", Jars.ORIGIN, withTls("origin", List.of("127.0.0.1", "localhost"), Map.ofEntries(
                Map.entry("VCDN_HTTP_HOST", "127.0.0.1"), Map.entry("VCDN_HTTP_PORT", port(8080)),
                Map.entry("VCDN_RTMP_HOST", "127.0.0.1"), Map.entry("VCDN_RTMP_PORT", port(1935)),
                Map.entry("VCDN_SRT_HOST", "127.0.0.1"), Map.entry("VCDN_SRT_PORT", port(9000)),
                Map.entry("VCDN_WHIP_HOST", "127.0.0.1"), Map.entry("VCDN_WHIP_PORT", port(8189)),
                Map.entry("VCDN_DATA_DIR", data.resolve("origin").toString()), Map.entry("VCDN_ADMIN_TOKEN", adminToken),
                Map.entry("VCDN_CLUSTER_NAME", "vcdn-world-origin"), Map.entry("VCDN_CLUSTER_PORT", clusterPort(5701)),
                Map.entry("VCDN_EDGE_TOKEN", edgeToken),
                // The studio channel is recorded: a week of past broadcasts, 5 GiB at most, on the laptop's disk.
                Map.entry("VCDN_RECORDING_RETENTION", "7d"), Map.entry("VCDN_RECORDING_MAX_BYTES", "5GiB"))),
                List.of());
        Map<String, Integer> originPorts = origin.awaitStarted(START_TIMEOUT);
        String originUrl = scheme + "://127.0.0.1:" + originPorts.get("http");

        List<Region> regions = new ArrayList<>();
        for (Region region : Region.of(regionCount, Integer.parseInt(clusterPort(5801)))) {
            regions.add(rtts.containsKey(region.id()) ? region.withRtt(rtts.get(region.id())) : region);
        }
        List<Child> edges = new ArrayList<>();
        for (Region region : regions) {
            edges.add(startEdge(region, upstreamOf(region, originPorts.get("http"))));
        }
        Map<String, String> edgeUrls = new LinkedHashMap<>();
        for (int i = 0; i < regions.size(); i++) {
            Region region = regions.get(i);
            edgeUrls.put(region.id(), scheme + "://" + region.host() + ":" + edges.get(i).awaitStarted(START_TIMEOUT).get("http"));
        }

        Path geoConfig = data.resolve("geo.yaml");
        Files.writeString(geoConfig, GeoWorldFile.text(geoip, regions, ephemeral), StandardCharsets.UTF_8);
        Map<String, Integer> geoPorts = start("geo", Jars.GEO, withTls("geo", List.of("127.0.0.1", "localhost"), Map.of(
                "VCDN_HTTP_HOST", "127.0.0.1", "VCDN_HTTP_PORT", port(8053),
                "VCDN_DNS_HOST", "127.0.0.1", "VCDN_DNS_PORT", port(5353))), List.of("--config", geoConfig.toString()))
                .awaitStarted(START_TIMEOUT);

        // The demo publishes without end: recorded, it would be one recording growing for as long as the world runs.
        String demoKey = streamKey(originUrl, adminToken, DEMO_CHANNEL, false);
        String studioKey = streamKey(originUrl, adminToken, OBS_CHANNEL, true);
        String rtmp = "rtmp://127.0.0.1:" + originPorts.get("rtmp") + "/live";
        children.add(Child.start("publisher", List.of(Jars.java(), "-Xmx128m", "-cp", Jars.ORIGIN.toString(),
                "dev.vcdn.origin.tools.TestPatternPublisher", rtmp + "/" + demoKey), Map.of()));

        for (String edge : edgeUrls.values()) {
            awaitOk(edge + "/live/" + DEMO_CHANNEL + "/master.m3u8", LIVE_TIMEOUT);
        }
        List<String> watchLines = new ArrayList<>();
        for (Region region : regions) {
            watchLines.add(String.format("  watch on the %-3s edge%-27s %s/watch/%s", region.id(), rttNote(region.rtt()),
                    edgeUrls.get(region.id()), DEMO_CHANNEL));
        }
        String director = scheme + "://127.0.0.1:" + geoPorts.get("http");
        System.out.println(String.join("\n",
                "",
                "vcdn world is up; channel '" + DEMO_CHANNEL + "' is live.",
                "  watch (director picks your region's edge): " + director + "/route?channel=" + DEMO_CHANNEL,
                String.join("\n", watchLines),
                "  channel directory:                         " + edgeUrls.get("eu") + "/",
                "  geo-DNS:  dig @127.0.0.1 -p " + geoPorts.get("dns") + " live.vcdn.test A +subnet=8.8.8.0/24",
                "  stream from OBS: server " + rtmp + "  stream key " + studioKey + "  (channel '" + OBS_CHANNEL + "')",
                "    or over SRT:   srt://127.0.0.1:" + originPorts.get("srt") + "?streamid=#!::r=live/" + studioKey + ",m=publish",
                "    or WebRTC:     WHIP " + originUrl + "/whip/live  bearer token " + studioKey,
                "    its broadcasts are recorded: past ones in the directory, " + originUrl + "/api/recordings?channel="
                        + OBS_CHANNEL,
                "  admin API: " + originUrl + "/api/channels  with  Authorization: Bearer " + adminToken,
                trustAdvice(),
                "Ctrl-C stops everything.",
                ""));
        // One line for scripts and tests.
        System.out.println("world: director=" + director + edgeUrls.entrySet().stream()
                .map(edge -> " " + edge.getKey() + "=" + edge.getValue()).collect(Collectors.joining()) + " dns=" + geoPorts.get("dns")
                + " origin=" + originUrl
                + certificates.map(authority -> " ca=" + authority.authorityFile().toAbsolutePath()).orElse("")
                + " pids=" + children.stream().map(c -> Long.toString(c.pid())).collect(Collectors.joining(",")));
        watchChildren();
    }

    /**
     * The origin URL a region's edge fetches from and follows the pushes of: the origin itself, or a
     * delay proxy in front of it adding the region's round trip.
     */
    private String upstreamOf(Region region, int originPort) throws IOException {
        if (region.rtt().isZero()) {
            return scheme + "://127.0.0.1:" + originPort;
        }
        DelayProxy proxy = DelayProxy.start(new InetSocketAddress("127.0.0.1", originPort), region.rtt(), "delay-" + region.id());
        proxies.add(proxy);
        return scheme + "://127.0.0.1:" + proxy.port();
    }

    private static String rttNote(Duration rtt) {
        return rtt.isZero() ? ":" : " (" + rtt.toMillis() + " ms from the origin):";
    }

    /** {@code eu=10,au=300}: round trips by region, in milliseconds. */
    private static Map<String, Duration> rtts(String text) {
        Map<String, Duration> rtts = new HashMap<>();
        for (String pair : text.split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || !parts[1].matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("--rtt takes REGION=MILLISECONDS[,...], not " + text);
            }
            rtts.put(parts[0], Duration.ofMillis(Long.parseLong(parts[1])));
        }
        return rtts;
    }

    private Child startEdge(Region region, String originUrl) throws IOException {
        return start("edge-" + region.id(), Jars.EDGE, withTls("edge-" + region.id(), List.of(region.host()), Map.of(
                "VCDN_REGION", region.id(), "VCDN_HTTP_HOST", region.host(), "VCDN_HTTP_PORT", port(8081),
                "VCDN_ORIGIN_URL", originUrl, "VCDN_CLUSTER_HOST", region.host(),
                "VCDN_CLUSTER_PORT", Integer.toString(region.clusterPort()),
                "VCDN_CLUSTER_NAME", region.clusterName(), "VCDN_EDGE_TOKEN", edgeToken)), List.of());
    }

    /** {@code env} plus, on HTTPS, the process's certificate for {@code hosts} and the world's authority to trust. */
    private Map<String, String> withTls(String name, List<String> hosts, Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(env);
        if (certificates.isPresent()) {
            all.putAll(certificates.get().environment(name, hosts));
        }
        return all;
    }

    /** How to make a browser and curl trust the world's certificate authority. */
    private String trustAdvice() {
        if (certificates.isEmpty()) {
            return "  (plain HTTP: started with --http)";
        }
        WorldCertificates authority = certificates.get();
        Path file = authority.authorityFile().toAbsolutePath();
        return String.join("\n",
                "  HTTPS by the world's own certificate authority " + file + "; to trust it:",
                "    Chromium: chromium --ignore-certificate-errors-spki-list=" + authority.chromiumSpki()
                        + "  (or import the file under Settings > Privacy and security > Security > Manage certificates > Authorities)",
                "    Firefox:  Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import",
                "    curl:     curl --cacert " + file + " ...");
    }

    private Child start(String name, Path jar, Map<String, String> env, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Jars.java(), "-Xmx512m", "-jar", jar.toString()));
        command.addAll(args);
        Child child = Child.start(name, command, env);
        children.add(child);
        return child;
    }

    /** Blocks until a process ends by itself, which ends the world. */
    private void watchChildren() throws InterruptedException {
        while (!stopping) {
            for (Child child : children) {
                if (!child.isAlive() && !child.name().equals("publisher") && !stopping) {
                    throw new IllegalStateException(child.name() + " ended with status " + child.process().exitValue());
                }
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /** Stops the publisher first, then geo, the edges and the origin, each within its grace time. */
    private void stopAll() {
        stopping = true;
        for (DelayProxy proxy : proxies) {
            try {
                proxy.close();
            } catch (IOException ignored) {
                // Stopping anyway.
            }
        }
        List<Child> reversed = new ArrayList<>(children);
        java.util.Collections.reverse(reversed);
        reversed.sort((a, b) -> Boolean.compare(!a.name().equals("publisher"), !b.name().equals("publisher")));
        for (Child child : reversed) {
            try {
                child.stop(STOP_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String port(int fixed) {
        return ephemeral ? "0" : Integer.toString(fixed);
    }

    private String clusterPort(int fixed) throws IOException {
        if (!ephemeral) {
            return Integer.toString(fixed);
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** The admin token of this world: made once, kept in the data folder, the same on every run. */
    private String adminToken() throws IOException {
        Path file = data.resolve("admin-token");
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String token = randomHex(24);
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        return token;
    }

    /**
     * A stream key for the channel: created on the first run, a fresh key (rotated) on later ones;
     * its broadcasts recorded or not, as {@code recorded} says.
     */
    private String streamKey(String originUrl, String adminToken, String channel, boolean recorded) throws Exception {
        String features = "{\"name\":\"" + channel + "\",\"recording\":" + recorded + "}";
        HttpResponse<String> created = post(originUrl + "/api/channels", adminToken, features);
        if (created.statusCode() == 409) {
            send("PATCH", originUrl + "/api/channels/" + channel, adminToken, "{\"recording\":" + recorded + "}");
            created = post(originUrl + "/api/channels/" + channel + "/key", adminToken, "");
        }
        if (created.statusCode() / 100 != 2) {
            throw new IllegalStateException("channel " + channel + ": the origin answered " + created.statusCode() + " " + created.body());
        }
        return new JsonObject(created.body()).getString("streamKey");
    }

    private HttpResponse<String> post(String url, String adminToken, String body) throws Exception {
        return send("POST", url, adminToken, body);
    }

    private HttpResponse<String> send(String method, String url, String adminToken, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitOk(String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // The edge is still starting.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " not live within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }
}
