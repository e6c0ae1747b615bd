package dev.vcdn.shared.region;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * One edge node as its region's {@code edges} map shows it (DESIGN.md "Region cluster"): the
 * entry each edge refreshes every few seconds with a short TTL, and the health view geo-config
 * reads. Stored as JSON text so that any Hazelcast client can read it without our classes.
 *
 * @param id                  the node's cluster member id
 * @param region              the region it serves
 * @param url                 where viewers (and the region's other edges) reach it
 * @param viewers             distinct viewers seen in the last few seconds
 * @param full                whether it refuses new viewers now (its viewer limit is reached):
 *                            geo-config sends them to another edge while any has room
 * @param egressBitsPerSecond bytes sent to viewers and peers, as bits per second, over the last interval
 * @param cacheBytes          bytes its cache holds
 * @param heartbeat           when the entry was written
 */
public record EdgeStatus(String id, String region, URI url, int viewers, boolean full, long egressBitsPerSecond,
                         long cacheBytes, Instant heartbeat) {

    /** The name of the map in every region's cluster. */
    public static final String MAP_NAME = "edges";

    public EdgeStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (viewers < 0 || egressBitsPerSecond < 0 || cacheBytes < 0) {
            throw new IllegalArgumentException("negative load figures");
        }
    }

    public String toJson() {
        return new JsonObject().put("id", id).put("region", region).put("url", url.toString()).put("viewers", viewers)
                .put("full", full).put("egressBitsPerSecond", egressBitsPerSecond).put("cacheBytes", cacheBytes)
                .put("heartbeat", heartbeat.toString()).encode();
    }

    /** @throws IllegalArgumentException when the text is not an entry */
    public static EdgeStatus fromJson(String text) {
        try {
            JsonObject json = new JsonObject(text);
            return new EdgeStatus(json.getString("id"), json.getString("region"), URI.create(json.getString("url")),
                    json.getInteger("viewers"), json.getBoolean("full", false), json.getLong("egressBitsPerSecond"),
                    json.getLong("cacheBytes"), Instant.parse(json.getString("heartbeat")));
        } catch (DecodeException | ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not an edge entry: " + e.getMessage());
        }
    }
}
