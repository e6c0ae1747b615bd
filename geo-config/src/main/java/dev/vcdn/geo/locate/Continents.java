package dev.vcdn.geo.locate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Country code to continent code, for databases that give only the country (ip-location-db);
 * from the bundled table {@code vcdn-geo/country-continents.csv}.
 */
public final class Continents {

    static final String RESOURCE = "/vcdn-geo/country-continents.csv";

    private final Map<String, String> byCountry;

    private Continents(Map<String, String> byCountry) {
        this.byCountry = Map.copyOf(byCountry);
    }

    public static Continents bundled() {
        Map<String, String> table = new HashMap<>();
        try (InputStream in = Continents.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] fields = line.split(",");
                    table.put(fields[0].trim(), fields[1].trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Continents(table);
    }

    public Optional<String> of(String country) {
        return Optional.ofNullable(byCountry.get(country));
    }
}
