package dev.vcdn.geo;

import dev.vcdn.geo.director.Director;
import dev.vcdn.geo.dns.DnsResponder;
import dev.vcdn.geo.dns.GeoDnsServer;
import dev.vcdn.geo.health.EdgeChooser;
import dev.vcdn.geo.health.EdgeHealth;
import dev.vcdn.geo.health.HealthyEdge;
import dev.vcdn.geo.health.RegionClusterWatch;
import dev.vcdn.geo.health.StaticEdgeProbe;
import dev.vcdn.geo.locate.Continents;
import dev.vcdn.geo.locate.GeoIp;
import dev.vcdn.geo.locate.RegionLocator;
import dev.vcdn.geo.world.Region;
import dev.vcdn.geo.world.World;
import dev.vcdn.shared.http.OperationsRoutes;
import dev.vcdn.shared.net.IpLiteral;
import dev.vcdn.shared.process.Endpoint;
import dev.vcdn.shared.process.ProcessContext;
import dev.vcdn.shared.process.ProcessVerticle;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * geo-config's root: the edge health view (a Hazelcast client per region cluster, HTTP probes
 * of static edges), the geo-DNS on UDP and TCP and the HTTP director, all answering from it.
 */
public final class GeoVerticle extends ProcessVerticle {

    private static final Logger log = LoggerFactory.getLogger(GeoVerticle.class);
    /** How often edges are looked at: a dead edge leaves the answers within this plus {@link #FRESHNESS}. */
    static final Duration POLL = Duration.ofSeconds(2);
    /** An edges-map entry older than this is dead, even if its TTL has not run out. */
    static final Duration FRESHNESS = Duration.ofSeconds(7);
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(1500);

    private final GeoConfig config;
    private final ProcessContext process;
    private final List<RegionClusterWatch> watches = new ArrayList<>();
    private final EdgeHealth health = new EdgeHealth();
    private GeoDnsServer dns;
    private int dnsPort;
    private Optional<GeoIp> geoIp = Optional.empty();

    public GeoVerticle(GeoConfig config, ProcessContext process) {
        this.config = config;
        this.process = process;
    }

    @Override
    public Future<?> start() {
        World world = config.world();
        // Both read files: off the event loop.
        return vertx.executeBlocking(() -> new Lookups(openGeoIp(), Continents.bundled())).compose(lookups -> {
            geoIp = lookups.geoIp();
            RegionLocator locator = new RegionLocator(world, geoIp, lookups.continents());
            EdgeChooser chooser = new EdgeChooser(world, health);
            Gauge.builder("vcdn.geo.healthy.edges", health, EdgeHealth::total)
                    .description("Edges answering now, over all regions").register(process.metrics());
            watchEdges(world);
            dns = new GeoDnsServer(vertx, responder(world, locator, chooser), config.dns().rateLimit(), process.metrics(),
                    System::nanoTime);
            Router router = OperationsRoutes.router(vertx, process);
            new Director(locator, chooser, config.director().trustedProxies(), config.director().alternatives()).mount(router);
            return dns.listen(config.dns().host(), config.dns().port())
                    .compose(port -> {
                        dnsPort = port;
                        return listenHttp(config.http(), router, process);
                    });
        });
    }

    private record Lookups(Optional<GeoIp> geoIp, Continents continents) {
    }

    private Optional<GeoIp> openGeoIp() {
        if (!Files.isReadable(config.world().geoip())) {
            log.warn("no GeoIP database at {}: every client goes to region {} (deploy/fetch-geoip.sh fetches one)",
                    config.world().geoip().toAbsolutePath(), config.world().defaultRegion());
            return Optional.empty();
        }
        try {
            GeoIp opened = GeoIp.open(config.world().geoip());
            log.info("GeoIP database {} ({})", config.world().geoip(), opened.databaseType());
            return Optional.of(opened);
        } catch (java.io.IOException e) {
            log.warn("GeoIP database {} unreadable: {}; every client goes to region {}", config.world().geoip(), e.getMessage(),
                    config.world().defaultRegion());
            return Optional.empty();
        }
    }

    private DnsResponder responder(World world, RegionLocator locator, EdgeChooser chooser) {
        try {
            Name zone = Name.fromString(world.zone() + ".");
            Set<Name> names = new java.util.HashSet<>();
            for (String label : config.dns().names()) {
                names.add(Name.fromString(label, zone));
            }
            Name nameserver = Name.fromString(config.dns().nameserver().endsWith(".") ? config.dns().nameserver()
                    : config.dns().nameserver() + ".");
            return new DnsResponder(zone, names, nameserver,
                    config.dns().nameserverAddress().flatMap(IpLiteral::parse), world.ttl().toSeconds(),
                    config.dns().answers(), locator, chooser, System.currentTimeMillis() / 1000);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("zone or name server is not a DNS name: " + e.getMessage(), e);
        }
    }

    /** Looks at every region's edges now and every {@link #POLL} from then on. */
    private void watchEdges(World world) {
        HttpClient probes = vertx.createHttpClient(config.clientTls().apply(new HttpClientOptions()));
        List<Runnable> polls = new ArrayList<>();
        for (Region region : world.regions().values()) {
            if (!region.cluster().isEmpty()) {
                RegionClusterWatch watch = new RegionClusterWatch(vertx, region, health, FRESHNESS, Clock.systemUTC());
                watches.add(watch);
                polls.add(watch::poll);
            }
            if (!region.edges().isEmpty()) {
                StaticEdgeProbe probe = new StaticEdgeProbe(vertx, probes, region, health, PROBE_TIMEOUT);
                polls.add(probe::probe);
            }
        }
        log.info("watching edges: {}", world.regions().values().stream()
                .map(r -> r.id() + "(cluster " + r.cluster() + ", static " + r.edges() + ")").collect(Collectors.joining(", ")));
        polls.forEach(Runnable::run);
        vertx.setPeriodic(POLL.toMillis(), id -> polls.forEach(Runnable::run));
    }

    @Override
    public Future<?> stop() {
        Future<Void> dnsClosed = dns == null ? Future.succeededFuture() : dns.close();
        return dnsClosed.compose(ignored -> vertx.executeBlocking(() -> {
            watches.forEach(RegionClusterWatch::close);
            geoIp.ifPresent(db -> {
                try {
                    db.close();
                } catch (java.io.IOException ignoredClose) {
                    // Closing a memory-mapped reader cannot lose anything.
                }
            });
            return null;
        }));
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>(httpEndpoints());
        endpoints.add(new Endpoint("dns", config.dns().host(), dnsPort));
        return endpoints;
    }
}
