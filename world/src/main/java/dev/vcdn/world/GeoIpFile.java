package dev.vcdn.world;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The GeoIP database the world's geo-config uses: fetched once with deploy/fetch-geoip.sh (npm). */
final class GeoIpFile {

    private GeoIpFile() {
    }

    /** {@code DATA/geoip/country.mmdb}, fetched when missing; without npm the world runs with everyone in eu. */
    static Path ensure(Path dataRoot) throws Exception {
        Path folder = dataRoot.resolve("geoip");
        Path database = folder.resolve("country.mmdb");
        if (Files.isReadable(database)) {
            return database;
        }
        try {
            Process fetch = new ProcessBuilder("deploy/fetch-geoip.sh", folder.toString()).inheritIO().start();
            if (!fetch.waitFor(300, TimeUnit.SECONDS) || fetch.exitValue() != 0) {
                System.out.println("world: no GeoIP database (fetch failed): every viewer goes to the eu edge");
            }
        } catch (java.io.IOException e) {
            System.out.println("world: no GeoIP database (" + e.getMessage() + "): every viewer goes to the eu edge");
        }
        return database;
    }
}
