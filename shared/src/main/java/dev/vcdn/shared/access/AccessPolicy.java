package dev.vcdn.shared.access;

import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who may watch what, as every origin and edge checks it offline: the public keys tokens are
 * signed with (by key id), the private channels, and the revocations (token ids, and per channel
 * or {@code *} the time before which its tokens were issued in vain). The auth service makes it;
 * origins and edges follow it as one JSON document ({@link #toJson()}), whose {@code keys} are a
 * JWKS. Immutable: a new document replaces the whole policy.
 */
public record AccessPolicy(Map<String, PublicKey> keys, Set<ChannelName> privateChannels, Set<String> revokedIds,
                           Map<String, Instant> revokedBefore) {

    /** Where an origin publishes the whole document for its edges. */
    public static final String DOCUMENT_PATH = "/.well-known/vcdn-access";
    public static final int MAX_KEYS = 16;
    public static final int MAX_ENTRIES = 100_000;
    public static final AccessPolicy OPEN = new AccessPolicy(Map.of(), Set.of(), Set.of(), Map.of());
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    public AccessPolicy {
        keys = Map.copyOf(keys);
        privateChannels = Set.copyOf(privateChannels);
        revokedIds = Set.copyOf(revokedIds);
        revokedBefore = Map.copyOf(revokedBefore);
    }

    public boolean isPrivate(ChannelName channel) {
        return privateChannels.contains(channel);
    }

    /** Whether a token of {@code claims} was revoked, by its id or by its channel's (or every channel's) cut-off. */
    public boolean revoked(PlaybackClaims claims, ChannelName channel) {
        if (revokedIds.contains(claims.id())) {
            return true;
        }
        Instant channelCut = revokedBefore.get(channel.value());
        Instant everyCut = revokedBefore.get(PlaybackClaims.ANY_CHANNEL);
        return channelCut != null && claims.issuedAt().isBefore(channelCut)
                || everyCut != null && claims.issuedAt().isBefore(everyCut);
    }

    /** The public keys as a JSON Web Key Set (RFC 7517, OKP keys of RFC 8037). */
    public JsonObject jwks() {
        JsonArray list = new JsonArray();
        new java.util.TreeMap<>(keys).forEach((id, key) -> list.add(new JsonObject()
                .put("kty", "OKP").put("crv", "Ed25519").put("use", "sig").put("alg", PlaybackToken.ALGORITHM)
                .put("kid", id).put("x", ENCODER.encodeToString(Ed25519.raw(key)))));
        return new JsonObject().put("keys", list);
    }

    public JsonObject toJson() {
        JsonObject cutOffs = new JsonObject();
        // To the millisecond, as tokens' issue times are.
        new java.util.TreeMap<>(revokedBefore).forEach((channel, time) -> cutOffs.put(channel,
                java.math.BigDecimal.valueOf(time.toEpochMilli(), 3)));
        return new JsonObject()
                .put("keys", jwks().getJsonArray("keys"))
                .put("private", new JsonArray(privateChannels.stream().map(ChannelName::value).sorted().toList()))
                .put("revokedIds", new JsonArray(revokedIds.stream().sorted().toList()))
                .put("revokedBefore", cutOffs);
    }

    /** @throws IllegalArgumentException on a malformed document, or one past its bounds */
    public static AccessPolicy fromJson(JsonObject json) {
        try {
            return new AccessPolicy(keys(json.getJsonArray("keys", new JsonArray())),
                    channels(json.getJsonArray("private", new JsonArray())),
                    ids(json.getJsonArray("revokedIds", new JsonArray())),
                    cutOffs(json.getJsonObject("revokedBefore", new JsonObject())));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("access document has a field of the wrong type");
        }
    }

    /** The Ed25519 keys of a JWKS; keys of other types are left out, as RFC 7517 allows. */
    public static Map<String, PublicKey> keys(JsonArray jwks) {
        if (jwks.size() > MAX_KEYS) {
            throw new IllegalArgumentException("more than " + MAX_KEYS + " keys");
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < jwks.size(); i++) {
            JsonObject jwk = jwks.getJsonObject(i);
            if (!"OKP".equals(jwk.getString("kty")) || !"Ed25519".equals(jwk.getString("crv"))) {
                continue;
            }
            String id = jwk.getString("kid");
            if (id == null || id.isEmpty() || id.length() > 64) {
                throw new IllegalArgumentException("a key without a usable kid");
            }
            keys.put(id, Ed25519.publicKey(Base64.getUrlDecoder().decode(jwk.getString("x", ""))));
        }
        return keys;
    }

    private static Set<ChannelName> channels(JsonArray array) {
        bound(array.size());
        Set<ChannelName> channels = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            channels.add(ChannelName.of(array.getString(i)));
        }
        return channels;
    }

    private static Set<String> ids(JsonArray array) {
        bound(array.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            ids.add(array.getString(i));
        }
        return ids;
    }

    private static Map<String, Instant> cutOffs(JsonObject json) {
        bound(json.size());
        Map<String, Instant> cutOffs = new HashMap<>();
        for (String channel : json.fieldNames()) {
            if (!PlaybackClaims.ANY_CHANNEL.equals(channel) && !ChannelName.isValid(channel)) {
                throw new IllegalArgumentException("revokedBefore names no channel");
            }
            double seconds = json.getDouble(channel);
            if (!(seconds >= 0 && seconds < 1e11)) {
                throw new IllegalArgumentException("revokedBefore must be seconds since the epoch");
            }
            cutOffs.put(channel, Instant.ofEpochMilli(Math.round(seconds * 1000)));
        }
        return cutOffs;
    }

    private static void bound(int size) {
        if (size > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries");
        }
    }
}
