package dev.vcdn.shared.access;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;

/**
 * A playback token in its compact JWT form, {@code header.claims.signature}, signed with
 * Ed25519 ({@code "alg":"EdDSA"}) under a key id ({@code kid}). Parsing checks the shape only
 * (sizes first, then the header's algorithm and key id, then the claims); the signature is
 * checked against a public key by {@link PlaybackAccess}. Any other algorithm is refused, so
 * neither {@code none} nor an HMAC keyed with the public key can pass for a signature.
 */
public record PlaybackToken(String keyId, PlaybackClaims claims, byte[] signedPart, byte[] signature) {

    /** Longest token accepted: a real one is about 300 characters. */
    public static final int MAX_LENGTH = 2048;
    public static final String ALGORITHM = "EdDSA";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** Signs {@code claims} with {@code key}, naming it {@code keyId}. */
    public static String mint(PlaybackClaims claims, String keyId, PrivateKey key) {
        JsonObject header = new JsonObject().put("alg", ALGORITHM).put("typ", "JWT").put("kid", keyId);
        String signed = encode(header.encode()) + "." + encode(claims.toJson().encode());
        byte[] signature = Ed25519.sign(key, signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + ENCODER.encodeToString(signature);
    }

    /** @throws TokenRefused (403) when {@code compact} is not a well-formed EdDSA JWT of playback claims */
    public static PlaybackToken parse(String compact) throws TokenRefused {
        if (compact.length() > MAX_LENGTH) {
            throw TokenRefused.forbidden("token too long");
        }
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        if (first < 0 || second < 0 || compact.indexOf('.', second + 1) >= 0) {
            throw TokenRefused.forbidden("token malformed");
        }
        JsonObject header = json(compact.substring(0, first));
        if (!ALGORITHM.equals(header.getValue("alg"))) {
            throw TokenRefused.forbidden("token algorithm not accepted");
        }
        if (!(header.getValue("kid") instanceof String keyId) || keyId.isEmpty() || keyId.length() > 64) {
            throw TokenRefused.forbidden("token names no key");
        }
        PlaybackClaims claims;
        try {
            claims = PlaybackClaims.fromJson(json(compact.substring(first + 1, second)));
        } catch (IllegalArgumentException e) {
            throw TokenRefused.forbidden("token claims invalid: " + e.getMessage());
        }
        byte[] signature = bytes(compact.substring(second + 1));
        return new PlaybackToken(keyId, claims, compact.substring(0, second).getBytes(StandardCharsets.US_ASCII), signature);
    }

    private static String encode(String json) {
        return ENCODER.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String base64url) throws TokenRefused {
        for (int i = 0; i < base64url.length(); i++) {
            char c = base64url.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw TokenRefused.forbidden("token malformed");
            }
        }
        try {
            return DECODER.decode(base64url);
        } catch (IllegalArgumentException e) {
            throw TokenRefused.forbidden("token malformed");
        }
    }

    private static JsonObject json(String base64url) throws TokenRefused {
        try {
            return new JsonObject(new String(bytes(base64url), StandardCharsets.UTF_8));
        } catch (DecodeException | ClassCastException e) {
            throw TokenRefused.forbidden("token malformed");
        }
    }
}
