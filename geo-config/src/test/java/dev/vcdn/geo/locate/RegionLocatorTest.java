package dev.vcdn.geo.locate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.geo.testing.GeoIpDatabase;
import dev.vcdn.geo.world.World;
import dev.vcdn.geo.world.WorldConfig;
import dev.vcdn.shared.config.ConfigSource;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Region resolution against the real CC0 country database and the default six-region world. */
class RegionLocatorTest {

    private static GeoIp geoIp;
    private static RegionLocator locator;

    @BeforeAll
    static void openTheRealDatabase() throws Exception {
        geoIp = GeoIp.open(GeoIpDatabase.path());
        World world = WorldConfig.read(ConfigSource.ofEnvironment(Map.of()));
        locator = new RegionLocator(world, Optional.of(geoIp), Continents.bundled());
    }

    @AfterAll
    static void close() throws Exception {
        if (geoIp != null) {
            geoIp.close();
        }
    }

    private static String region(String address) throws Exception {
        return locator.locate(InetAddress.getByName(address)).id();
    }

    private static String country(String address) throws Exception {
        return geoIp.locate(InetAddress.getByName(address)).map(GeoIp.Location::country).orElse("??");
    }

    @Test
    void addressesOfEveryContinentGoToTheirRegion() throws Exception {
        // Registries' and big networks' own addresses: registered where they are.
        Map<String, String> expected = Map.of(
                "193.0.6.139", "eu",    // RIPE NCC, Amsterdam
                "8.8.8.8", "na",        // Google, United States
                "200.160.2.3", "sa",    // NIC.br, Brazil
                "165.21.83.88", "sea",  // SingNet, Singapore
                "139.130.4.5", "au",    // Telstra, Australia
                "196.216.2.1", "af",    // AFRINIC, Mauritius
                "77.88.8.8", "eu",      // Yandex, Russia: listed by country, not by its continent
                "2001:4860:4860::8888", "na");
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            assertThat(region(entry.getKey())).as("%s (country %s)", entry.getKey(), country(entry.getKey()))
                    .isEqualTo(entry.getValue());
        }
    }

    @Test
    void privateAndUnknownAddressesGoToTheDefaultRegion() throws Exception {
        for (String address : new String[] {"10.1.2.3", "192.168.0.10", "127.0.0.1", "100.64.3.4", "::1", "fd00::1", "0.0.0.0"}) {
            assertThat(region(address)).as(address).isEqualTo("eu");
        }
    }
}
