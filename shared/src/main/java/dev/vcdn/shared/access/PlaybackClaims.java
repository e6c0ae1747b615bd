package dev.vcdn.shared.access;

import dev.vcdn.shared.net.Cidr;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a playback token grants, as its JWT claims say: {@code channel} (a channel name or
 * {@code *}), {@code exp}, {@code nbf}, {@code iat} (seconds since the epoch), {@code jti}, and
 * optionally {@code cidr} (the client's address block) and {@code regions} (edge regions that
 * may serve it). Issued-at is required: revoking a channel's tokens issued before a time reads it,
 * so it is written to the millisecond (a JWT NumericDate may be fractional): a token minted the
 * moment after a revocation is not caught by it.
 */
public record PlaybackClaims(String channel, Instant expiresAt, Instant notBefore, Instant issuedAt, String id,
                             Optional<Cidr> clientBlock, List<String> regions) {

    public static final String ANY_CHANNEL = "*";
    /** Longest {@code jti}: an id, not a payload. */
    public static final int MAX_ID_LENGTH = 64;
    public static final int MAX_REGIONS = 32;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_ID_LENGTH + "}");
    private static final Pattern REGION = Pattern.compile("[a-z][a-z0-9-]{0,15}");

    public PlaybackClaims {
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(clientBlock, "clientBlock");
        if (!ANY_CHANNEL.equals(channel) && !ChannelName.isValid(channel)) {
            throw new IllegalArgumentException("channel must be a channel name or *");
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("jti must match " + ID.pattern());
        }
        regions = List.copyOf(regions);
        if (regions.size() > MAX_REGIONS || !regions.stream().allMatch(r -> REGION.matcher(r).matches())) {
            throw new IllegalArgumentException("regions must be at most " + MAX_REGIONS + " region names");
        }
    }

    /** Whether the token may play {@code name} at all (its time, address and region checked apart). */
    public boolean grants(ChannelName name) {
        return ANY_CHANNEL.equals(channel) || channel.equals(name.value());
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("channel", channel)
                .put("exp", expiresAt.getEpochSecond())
                .put("nbf", notBefore.getEpochSecond())
                .put("iat", BigDecimal.valueOf(issuedAt.toEpochMilli(), 3))
                .put("jti", id);
        clientBlock.ifPresent(block -> json.put("cidr", block.toString()));
        if (!regions.isEmpty()) {
            json.put("regions", new JsonArray(regions));
        }
        return json;
    }

    /** @throws IllegalArgumentException on a missing, mistyped or invalid claim */
    public static PlaybackClaims fromJson(JsonObject json) {
        try {
            Instant issuedAt = seconds(json, "iat", null);
            Object cidr = json.getValue("cidr");
            if (cidr != null && !(cidr instanceof String)) {
                throw new IllegalArgumentException("cidr must be a string");
            }
            return new PlaybackClaims(json.getString("channel"), seconds(json, "exp", null),
                    seconds(json, "nbf", issuedAt), issuedAt, json.getString("jti"),
                    Optional.ofNullable((String) cidr).map(Cidr::parse), regions(json.getValue("regions")));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("a claim has the wrong type");
        }
    }

    private static Instant seconds(JsonObject json, String claim, Instant fallback) {
        Object value = json.getValue(claim);
        if (value == null && fallback != null) {
            return fallback;
        }
        if (!(value instanceof Number number) || !(number.doubleValue() >= 0) || number.doubleValue() > 1e11) {
            throw new IllegalArgumentException(claim + " must be seconds since the epoch");
        }
        return Instant.ofEpochMilli(Math.round(number.doubleValue() * 1000));
    }

    private static List<String> regions(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array) || array.size() > MAX_REGIONS) {
            throw new IllegalArgumentException("regions must be an array of at most " + MAX_REGIONS + " names");
        }
        List<String> regions = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            regions.add(array.getString(i));
        }
        return regions;
    }
}
