package dev.vcdn.geo;

import dev.vcdn.shared.testing.JarLifecycle;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged jar, run as a user runs it. */
class GeoJarIT {

    private static final Path JAR = Path.of("target/geo-config.jar");

    @Test
    void startsServesAndStopsOnSigterm() throws Exception {
        JarLifecycle.startServeAndStop(JAR, "geo", Map.of("VCDN_DNS_HOST", "127.0.0.1", "VCDN_DNS_PORT", "0"));
    }

    @Test
    void refusesABadDnsPortWithOneLine() throws Exception {
        JarLifecycle.refusesBadValue(JAR, "geo", "VCDN_DNS_PORT", "99999", "dns.port");
    }
}
