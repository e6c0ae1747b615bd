package dev.vcdn.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.vcdn.geo.testing.GeoIpDatabase;
import dev.vcdn.shared.testing.FreePorts;
import dev.vcdn.shared.testing.JarLifecycle;
import dev.vcdn.shared.testing.LaunchedJar;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: two edge jars, one in region eu on 127.0.0.2 and one in na on 127.0.0.3, each in
 * its own Hazelcast cluster; the geo-config jar as a client of both clusters. Debian's {@code dig}
 * asks the geo-DNS with EDNS Client Subnet, the JDK client asks the director; an edge that stops
 * leaves the answers, an edge that starts joins them, without touching any file.
 */
class GeoRoutingIT {

    private static final Path GEO_JAR = Path.of("target/geo-config.jar");
    private static final Path EDGE_JAR = Path.of("../edge-node/target/edge-node.jar");
    private static final Path DIG = Path.of("/usr/bin/dig");
    private static final String EU_CLIENT = "193.0.6.139";
    private static final String NA_CLIENT = "8.8.8.8";
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<LaunchedJar> processes = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void needsDig() {
        if (System.getenv("CI") != null) {
            assertThat(DIG).as("installed by .ci/run (dnsutils)").isExecutable();
        } else {
            assumeThat(DIG).as("install Debian's dnsutils to run this test").isExecutable();
        }
    }

    @AfterEach
    void stopAll() {
        processes.forEach(LaunchedJar::close);
    }

    @Test
    void digAndTheDirectorSendEachClientToItsRegionAndFollowEdgeHealth(@TempDir Path dir) throws Exception {
        int euCluster = FreePorts.next();
        int euCluster2 = FreePorts.next();
        int naCluster = FreePorts.next();
        LaunchedJar eu = edge("eu", "127.0.0.2", euCluster, euCluster2);
        LaunchedJar eu2 = edge("eu", "127.0.0.4", euCluster2, euCluster);
        int euPort = eu.awaitStarted(JarLifecycle.START_TIMEOUT).get("http");
        int eu2Port = eu2.awaitStarted(JarLifecycle.START_TIMEOUT).get("http");
        int naPort = edge("na", "127.0.0.3", naCluster, naCluster).awaitStarted(JarLifecycle.START_TIMEOUT).get("http");

        Path config = dir.resolve("geo.yaml");
        Files.writeString(config, """
                http: {host: 127.0.0.1, port: 0}
                dns: {host: 127.0.0.1, port: 0}
                director: {trusted-proxies: [127.0.0.1/32]}
                zone: live.vcdn.test
                ttl: 5s
                geoip: %s
                default-region: eu
                regions:
                  - id: eu
                    continents: [EU]
                    fallback: [na]
                    cluster: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    cluster-name: it-eu-%s
                  - id: na
                    continents: [NA]
                    fallback: [eu]
                    cluster: ["127.0.0.1:%d"]
                    cluster-name: it-na-%s
                """.formatted(GeoIpDatabase.path().toAbsolutePath(), euCluster, euCluster2, run, naCluster, run));
        LaunchedJar geo = LaunchedJar.start(GEO_JAR, Map.of(), "--config", config.toString());
        processes.add(geo);
        Map<String, Integer> ports = geo.awaitStarted(JarLifecycle.START_TIMEOUT);
        int dnsPort = ports.get("dns");
        int directorPort = ports.get("http");

        String euEdge = "127.0.0.2";
        String euEdge2 = "127.0.0.4";
        String naEdge = "127.0.0.3";
        // Each region's edges are answered once the geo process has joined that region's cluster and seen them.
        awaitAnswer(dnsPort, EU_CLIENT, List.of(euEdge, euEdge2), WITHIN);
        awaitAnswer(dnsPort, NA_CLIENT, List.of(naEdge), WITHIN);
        assertThat(dig(dnsPort, NA_CLIENT, "A", "+tcp")).as("over TCP").containsExactly(naEdge);
        assertThat(digStatus(dnsPort, "example.com")).as("never an open resolver").isEqualTo("REFUSED");

        HttpResponse<String> euRoute = route(directorPort, "/route?channel=demo", EU_CLIENT);
        assertThat(euRoute.statusCode()).isEqualTo(302);
        assertThat(euRoute.headers().firstValue("Location").orElseThrow()).as("one of the two eu edges")
                .isIn("http://127.0.0.2:" + euPort + "/watch/demo", "http://127.0.0.4:" + eu2Port + "/watch/demo");
        HttpResponse<String> naRoute = route(directorPort, "/route?channel=demo", NA_CLIENT);
        assertThat(naRoute.headers().firstValue("Location")).contains("http://127.0.0.3:" + naPort + "/watch/demo");
        JsonObject choice = new JsonObject(route(directorPort, "/route.json?channel=demo", NA_CLIENT).body());
        assertThat(choice.getString("region")).isEqualTo("na");
        assertThat(choice.getJsonObject("edge").getString("playlist")).endsWith("/live/demo/master.m3u8");
        assertThat(route(directorPort, "/route?channel=..%2Fetc", EU_CLIENT).statusCode()).isEqualTo(400);

        // An eu edge crashes (SIGKILL) in the running eu cluster: it leaves the answers within 10 s.
        long killed = System.nanoTime();
        eu.close();
        awaitAnswer(dnsPort, EU_CLIENT, List.of(euEdge2), WITHIN);
        System.out.printf("killed eu edge left the answers after %d ms%n", (System.nanoTime() - killed) / 1_000_000);

        // The last eu edge stops: European clients go to their fallback, na, within 10 s.
        long stopped = System.nanoTime();
        eu2.terminate(Duration.ofSeconds(20));
        awaitAnswer(dnsPort, EU_CLIENT, List.of(naEdge), WITHIN);
        System.out.printf("stopped eu edge left the answers %d ms after its stop began%n", (System.nanoTime() - stopped) / 1_000_000);
        assertThat(route(directorPort, "/route?channel=demo", EU_CLIENT).headers().firstValue("Location"))
                .contains("http://127.0.0.3:" + naPort + "/watch/demo");

        // A new eu edge starts: it joins the answers within 10 s of being up, no file edited.
        LaunchedJar again = edge("eu", "127.0.0.2", euCluster, euCluster2);
        again.awaitStarted(JarLifecycle.START_TIMEOUT);
        long started = System.nanoTime();
        awaitAnswer(dnsPort, EU_CLIENT, List.of(euEdge), WITHIN);
        System.out.printf("new eu edge joined the answers %d ms after its start line%n", (System.nanoTime() - started) / 1_000_000);
    }

    private LaunchedJar edge(String region, String host, int clusterPort, int otherMember) throws IOException {
        LaunchedJar edge = LaunchedJar.start(EDGE_JAR, Map.of(
                "VCDN_REGION", region, "VCDN_HTTP_HOST", host, "VCDN_HTTP_PORT", "0", "VCDN_HTTP_EVENT_LOOPS", "1",
                "VCDN_CLUSTER_NAME", "it-" + region + "-" + run, "VCDN_CLUSTER_PORT", Integer.toString(clusterPort),
                "VCDN_CLUSTER_MEMBERS", "127.0.0.1:" + otherMember));
        processes.add(edge);
        return edge;
    }

    private static List<String> dig(int port, String client, String type, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(DIG.toString(), "@127.0.0.1", "-p", Integer.toString(port),
                "live.vcdn.test", type, "+subnet=" + client + "/24", "+short", "+tries=1", "+time=2"));
        command.addAll(List.of(extra));
        return run(command).lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
    }

    private static String digStatus(int port, String name) throws Exception {
        String output = run(List.of(DIG.toString(), "@127.0.0.1", "-p", Integer.toString(port), name, "A", "+tries=1", "+time=2"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("status: ([A-Z]+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return m.group(1);
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    /** Waits until the A answer for a client of that /24 is exactly {@code wanted}, in any order. */
    private static void awaitAnswer(int port, String client, List<String> wanted, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> answer = List.of();
        while (System.nanoTime() < deadline) {
            answer = dig(port, client, "A");
            if (answer.size() == wanted.size() && answer.containsAll(wanted)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new AssertionError("for a client in " + client + "/24 the answer was still " + answer + " after " + within);
    }

    private HttpResponse<String> route(int port, String target, String client) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
                .header("X-Forwarded-For", client).build(), HttpResponse.BodyHandlers.ofString());
    }
}
