package dev.vcdn.geo.locate;

import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A MaxMind-format country database: ip-location-db's ({@code country_code}) or MaxMind's own
 * GeoLite2/GeoIP2 Country or City ({@code country.iso_code}, {@code continent.code}). The file is
 * memory-mapped once; lookups are thread-safe and do no I/O of their own.
 */
public final class GeoIp implements AutoCloseable {

    /** Where an address is, as far as the database knows. */
    public record Location(String country, Optional<String> continent) {
    }

    private final Reader reader;

    private GeoIp(Reader reader) {
        this.reader = reader;
    }

    /** Opens the database (blocking: call it off the event loop). */
    public static GeoIp open(Path file) throws IOException {
        return new GeoIp(new Reader(file.toFile()));
    }

    public Optional<Location> locate(InetAddress address) {
        Map<?, ?> record;
        try {
            record = reader.get(address, Map.class);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (record == null) {
            return Optional.empty();
        }
        Optional<String> country = text(record.get("country_code"))
                .or(() -> nested(record, "country", "iso_code"))
                .or(() -> nested(record, "registered_country", "iso_code"));
        return country.map(code -> new Location(code, nested(record, "continent", "code")));
    }

    private static Optional<String> nested(Map<?, ?> record, String outer, String inner) {
        return record.get(outer) instanceof Map<?, ?> map ? text(map.get(inner)) : Optional.empty();
    }

    private static Optional<String> text(Object value) {
        return value instanceof String s && s.length() == 2 ? Optional.of(s.toUpperCase(java.util.Locale.ROOT)) : Optional.empty();
    }

    public String databaseType() {
        return reader.getMetadata().getDatabaseType();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
