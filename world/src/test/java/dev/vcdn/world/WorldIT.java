package dev.vcdn.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The world as the run command starts it (on free ports): demo goes live, the director sends a
 * European and a North American client to their own region's edge, both edges serve the
 * stream over HTTPS with HTTP/2 (the edges fetching from the origin over HTTPS, all trusting the
 * world's own certificate authority), and a stop leaves no process behind. With six regions, each
 * far from the origin by its own round trip, every region's client is sent to its own edge.
 */
class WorldIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String EU_CLIENT = "193.0.6.139";
    private static final String NA_CLIENT = "8.8.8.8";
    /** A client address in each of the six regions, by the GeoIP database's country (NL, US, BR, SG, AU, ZA). */
    private static final Map<String, String> SIX_REGION_CLIENTS = new LinkedHashMap<>();
    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"(\\d+)\\.(\\d+)\\.m4s\"");

    static {
        SIX_REGION_CLIENTS.put("eu", EU_CLIENT);
        SIX_REGION_CLIENTS.put("na", NA_CLIENT);
        SIX_REGION_CLIENTS.put("sa", "200.160.0.8");
        SIX_REGION_CLIENTS.put("sea", "165.21.100.88");
        SIX_REGION_CLIENTS.put("au", "139.130.4.5");
        SIX_REGION_CLIENTS.put("af", "196.25.1.1");
    }
    private static final String SINCE_ARRIVAL = "vcdn-since-arrival-us";

    private HttpClient http;

    @Test
    void theWorldRoutesEachRegionToItsEdgeAndStopsWithoutLeftovers(@TempDir Path data) throws Exception {
        runWorld(data, List.of(), world -> {
            String director = world.get("director");
            assertThat(List.of(director, world.get("eu"), world.get("na"), world.get("origin"))).allMatch(url -> url.startsWith("https://"));
            assertThat(location(director, EU_CLIENT)).startsWith(world.get("eu") + "/watch/demo");
            assertThat(location(director, NA_CLIENT)).startsWith(world.get("na") + "/watch/demo");
            for (String edge : List.of(world.get("eu"), world.get("na"))) {
                HttpResponse<String> master = get(edge + "/live/demo/master.m3u8");
                assertThat(master.statusCode()).isEqualTo(200);
                assertThat(master.version()).as("HTTP/2 by ALPN").isEqualTo(HttpClient.Version.HTTP_2);
                String variant = master.body().lines().filter(l -> l.endsWith("index.m3u8")).findFirst().orElseThrow();
                HttpResponse<String> media = get(edge + "/live/demo/" + variant);
                assertThat(media.body()).contains("#EXT-X-PART:");
                String part = media.body().lines().filter(l -> l.startsWith("#EXT-X-PART:")).reduce((a, b) -> b).orElseThrow()
                        .replaceAll(".*URI=\"([^\"]+)\".*", "$1");
                String rendition = variant.substring(0, variant.indexOf('/'));
                assertThat(get(edge + "/live/demo/" + rendition + "/" + part).statusCode()).isEqualTo(200);
                assertThat(get(edge + "/watch/demo").body()).contains("hls.min.js");
            }
        }, 5);
    }

    /**
     * The design's six regions, each edge behind its region's round trip to the origin: a client in
     * each region is sent to its own region's edge, and each edge answers a blocking reload from the
     * push it received, however far it is from the origin.
     */
    @Test
    void sixRegionsEachSendTheirClientsToTheirEdgeWhichServesFromPushes(@TempDir Path data) throws Exception {
        runWorld(data, List.of("--regions", "6"), world -> {
            for (Map.Entry<String, String> region : SIX_REGION_CLIENTS.entrySet()) {
                String edge = world.get(region.getKey());
                assertThat(edge).as("the %s edge", region.getKey()).startsWith("https://");
                assertThat(location(world.get("director"), region.getValue())).as("a client in %s", region.getKey())
                        .startsWith(edge + "/watch/demo");
                String variant = get(edge + "/live/demo/master.m3u8").body().lines().filter(l -> l.endsWith("index.m3u8"))
                        .findFirst().orElseThrow();
                String rendition = variant.substring(0, variant.indexOf('/'));
                String playlist = get(edge + "/live/demo/" + variant).body();
                Matcher hint = HINT.matcher(playlist);
                assertThat(hint.find()).as("a preload hint at the %s edge", region.getKey()).isTrue();
                // The part after the hinted one: not there yet, so the reload is held until its push arrives.
                String blocking = "?_HLS_msn=" + hint.group(1) + "&_HLS_part=" + (Integer.parseInt(hint.group(2)) + 1);
                long asked = System.nanoTime();
                HttpResponse<String> reload = get(edge + "/live/demo/" + variant + blocking);
                assertThat(reload.statusCode()).as("a blocking reload at the %s edge", region.getKey()).isEqualTo(200);
                assertThat(reload.headers().firstValue(SINCE_ARRIVAL)).as("answered from the push at the %s edge", region.getKey())
                        .isPresent();
                String part = reload.body().lines().filter(l -> l.startsWith("#EXT-X-PART:")).reduce((a, b) -> b).orElseThrow()
                        .replaceAll(".*URI=\"([^\"]+)\".*", "$1");
                assertThat(get(edge + "/live/demo/" + rendition + "/" + part).statusCode()).isEqualTo(200);
                System.out.printf("%s: blocking reload answered %d ms after it was asked, %s us after the push arrived%n",
                        region.getKey(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked),
                        reload.headers().firstValue(SINCE_ARRIVAL).orElseThrow());
            }
        }, 9);
    }

    /** Starts the world with {@code options} on free ports, runs {@code checks}, stops it and finds no process left. */
    private void runWorld(Path data, List<String> options, WorldChecks checks, int processes) throws Exception {
        Path geoip = ROOT.resolve("geo-config/target/geoip/country.mmdb");
        if (System.getenv("CI") == null) {
            assumeThat(geoip).as("the geo-config tests fetch the GeoIP database first (needs npm)").isReadable();
        }
        // The world looks for DATA/../geoip: put the already fetched database there.
        Path world = data.resolve("world");
        Files.createDirectories(data.resolve("geoip"));
        if (Files.isReadable(geoip)) {
            Files.copy(geoip, data.resolve("geoip/country.mmdb"));
        }
        List<String> command = new ArrayList<>(List.of(Jars.java(), "-jar", ROOT.resolve("world/target/world.jar").toString(),
                "--ephemeral", "--data", world.toString()));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process = builder.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    System.out.println("    | " + line);
                    if (line.startsWith("world: director=")) {
                        ready.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // ended
            }
            ready.completeExceptionally(new AssertionError("the world ended before it was up"));
        });
        reader.setDaemon(true);
        reader.start();
        try {
            Map<String, String> fields = fields(ready.get(4, TimeUnit.MINUTES));
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(trusting(Path.of(fields.get("ca")))).build();
            checks.run(fields);

            long[] pids = Arrays.stream(fields.get("pids").split(",")).mapToLong(Long::parseLong).toArray();
            assertThat(pids).as("origin, edges, geo-config and the publisher").hasSize(processes);
            process.toHandle().destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the world stops on SIGTERM").isTrue();
            for (long pid : pids) {
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process %d left behind", pid)
                        .isFalse();
            }
        } finally {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private interface WorldChecks {
        void run(Map<String, String> world) throws Exception;
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String field : line.substring("world: ".length()).split(" ")) {
            int equals = field.indexOf('=');
            fields.put(field.substring(0, equals), field.substring(equals + 1));
        }
        return fields;
    }

    /** An SSL context trusting the world's certificate authority alone. */
    private static SSLContext trusting(Path authority) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(authority)) {
            trusted.setCertificateEntry("world-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private String location(String director, String client) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(director + "/route?channel=demo"))
                .header("X-Forwarded-For", client).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
