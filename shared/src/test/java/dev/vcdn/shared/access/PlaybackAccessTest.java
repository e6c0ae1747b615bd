package dev.vcdn.shared.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.net.Cidr;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlaybackAccessTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final ChannelName SECRET = ChannelName.of("secret");
    private static final ChannelName OPEN = ChannelName.of("open");
    private static final String CLIENT = "203.0.113.7";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair key = Ed25519.generate();
    private final KeyPair otherKey = Ed25519.generate();
    private final PlaybackAccess access = new PlaybackAccess(Optional.of("eu"), Clock.fixed(NOW, ZoneOffset.UTC));

    PlaybackAccessTest() {
        access.install(policy(Map.of("k1", key), Set.of(), Map.of()));
    }

    private static AccessPolicy policy(Map<String, KeyPair> keys, Set<String> revokedIds, Map<String, Instant> revokedBefore) {
        Map<String, java.security.PublicKey> publicKeys = new java.util.HashMap<>();
        keys.forEach((id, pair) -> publicKeys.put(id, pair.getPublic()));
        return new AccessPolicy(publicKeys, Set.of(SECRET), revokedIds, revokedBefore);
    }

    private static PlaybackClaims claims(String channel) {
        return new PlaybackClaims(channel, NOW.plus(Duration.ofHours(1)), NOW.minusSeconds(60), NOW.minusSeconds(60), "id-1",
                Optional.empty(), List.of());
    }

    private String mint(PlaybackClaims claims) {
        return PlaybackToken.mint(claims, "k1", key.getPrivate());
    }

    private int refusal(String token) {
        try {
            access.check(SECRET, token, () -> CLIENT);
            return 200;
        } catch (TokenRefused refused) {
            return refused.status();
        }
    }

    private String reason(String token) {
        try {
            access.check(SECRET, token, () -> CLIENT);
            return "allowed";
        } catch (TokenRefused refused) {
            return refused.getMessage();
        }
    }

    private static String part(JsonObject json) {
        return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGoodTokenPlaysItsChannelAndAWildcardTokenPlaysAny() {
        assertThat(refusal(mint(claims("secret")))).isEqualTo(200);
        assertThat(refusal(mint(claims("*")))).isEqualTo(200);
    }

    @Test
    void publicChannelsNeedNothingAndPrivateOnesATokenElse401() throws Exception {
        access.check(OPEN, null, () -> CLIENT);
        assertThatThrownBy(() -> access.check(SECRET, null, () -> CLIENT)).isInstanceOf(TokenRefused.class)
                .satisfies(e -> assertThat(((TokenRefused) e).status()).isEqualTo(401));
    }

    @Test
    void nothingPassesBeforeTheRulesAreKnown() {
        PlaybackAccess fresh = new PlaybackAccess(Optional.empty(), Clock.systemUTC());
        assertThat(fresh.ready()).isFalse();
        assertThatThrownBy(() -> fresh.check(OPEN, null, () -> CLIENT)).isInstanceOf(TokenRefused.class);
    }

    @Test
    void expiredNotYetValidAndOtherChannelAreForbidden() {
        PlaybackClaims good = claims("secret");
        assertThat(refusal(mint(new PlaybackClaims("secret", NOW, good.notBefore(), good.issuedAt(), "a", Optional.empty(),
                List.of())))).isEqualTo(403);
        assertThat(refusal(mint(new PlaybackClaims("secret", good.expiresAt(), NOW.plusSeconds(5), good.issuedAt(), "a",
                Optional.empty(), List.of())))).isEqualTo(403);
        assertThat(reason(mint(claims("other")))).isEqualTo("token is for another channel");
    }

    @Test
    void aTokenOfAnotherKeyOrAnUnknownKeyIdIsForbidden() {
        assertThat(reason(PlaybackToken.mint(claims("secret"), "k1", otherKey.getPrivate()))).isEqualTo("token signature invalid");
        assertThat(reason(PlaybackToken.mint(claims("secret"), "k9", key.getPrivate()))).isEqualTo("token signed with an unknown key");
    }

    @Test
    void algNoneIsForbidden() {
        String unsigned = part(new JsonObject().put("alg", "none").put("kid", "k1")) + "." + part(claims("secret").toJson()) + ".";
        assertThat(refusal(unsigned)).isEqualTo(403);
        String none = part(new JsonObject().put("alg", "none").put("kid", "k1")) + "." + part(claims("secret").toJson());
        assertThat(refusal(none)).isEqualTo(403);
    }

    @Test
    void hs256KeyedWithThePublicKeyIsForbidden() throws Exception {
        String signed = part(new JsonObject().put("alg", "HS256").put("kid", "k1")) + "." + part(claims("secret").toJson());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Ed25519.raw(key.getPublic()), "HmacSHA256"));
        String forged = signed + "." + B64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
        assertThat(reason(forged)).isEqualTo("token algorithm not accepted");
        mac.init(new SecretKeySpec(key.getPublic().getEncoded(), "HmacSHA256"));
        assertThat(refusal(signed + "." + B64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)))))
                .isEqualTo(403);
    }

    @Test
    void truncatedTamperedAndHugeTokensAreForbidden() {
        String good = mint(claims("secret"));
        assertThat(refusal(good.substring(0, good.length() - 3))).isEqualTo(403);
        assertThat(refusal(good.substring(0, good.lastIndexOf('.')))).isEqualTo(403);
        String tamperedClaims = part(new JsonObject().put("alg", "EdDSA").put("kid", "k1")) + "."
                + part(claims("*").toJson()) + good.substring(good.lastIndexOf('.'));
        assertThat(reason(tamperedClaims)).isEqualTo("token signature invalid");
        assertThat(reason("a".repeat(64 * 1024))).isEqualTo("token too long");
        assertThat(refusal("x.y.z")).isEqualTo(403);
        assertThat(refusal("..")).isEqualTo(403);
        assertThat(refusal(good + ".extra")).isEqualTo(403);
    }

    @Test
    void revokedByIdOrByIssueTimeIsForbidden() {
        String token = mint(claims("secret"));
        assertThat(refusal(token)).isEqualTo(200);
        access.install(policy(Map.of("k1", key), Set.of("id-1"), Map.of()));
        assertThat(reason(token)).isEqualTo("token revoked");
        access.install(policy(Map.of("k1", key), Set.of(), Map.of("secret", NOW)));
        assertThat(refusal(token)).isEqualTo(403);
        access.install(policy(Map.of("k1", key), Set.of(), Map.of("*", NOW)));
        assertThat(refusal(token)).isEqualTo(403);
        access.install(policy(Map.of("k1", key), Set.of(), Map.of("secret", NOW.minusSeconds(3600))));
        assertThat(refusal(token)).isEqualTo(200);
    }

    @Test
    void addressAndRegionClaimsAreEnforced() {
        PlaybackClaims base = claims("secret");
        String inBlock = mint(new PlaybackClaims("secret", base.expiresAt(), base.notBefore(), base.issuedAt(), "a",
                Optional.of(Cidr.parse("203.0.113.0/24")), List.of()));
        String otherBlock = mint(new PlaybackClaims("secret", base.expiresAt(), base.notBefore(), base.issuedAt(), "a",
                Optional.of(Cidr.parse("198.51.100.0/24")), List.of()));
        String otherRegion = mint(new PlaybackClaims("secret", base.expiresAt(), base.notBefore(), base.issuedAt(), "a",
                Optional.empty(), List.of("na", "sa")));
        String ourRegion = mint(new PlaybackClaims("secret", base.expiresAt(), base.notBefore(), base.issuedAt(), "a",
                Optional.empty(), List.of("na", "eu")));
        assertThat(refusal(inBlock)).isEqualTo(200);
        assertThat(reason(otherBlock)).isEqualTo("token is not for this address");
        assertThat(reason(otherRegion)).isEqualTo("token is not for this region");
        assertThat(refusal(ourRegion)).isEqualTo(200);
    }

    @Test
    void rotationAddsAKeyThenRetiresTheOldOneWithoutAnyRestart() {
        String old = mint(claims("secret"));
        String rotated = PlaybackToken.mint(claims("secret"), "k2", otherKey.getPrivate());
        assertThat(refusal(rotated)).isEqualTo(403);
        access.install(policy(Map.of("k1", key, "k2", otherKey), Set.of(), Map.of()));
        assertThat(refusal(old)).isEqualTo(200);
        assertThat(refusal(rotated)).isEqualTo(200);
        access.install(policy(Map.of("k2", otherKey), Set.of(), Map.of()));
        assertThat(refusal(old)).isEqualTo(403);
        assertThat(refusal(rotated)).isEqualTo(200);
    }

    @Test
    void theDocumentRoundTripsAndItsKeysAreAStandardJwks() {
        AccessPolicy policy = policy(Map.of("k1", key, "k2", otherKey), Set.of("x"), Map.of("secret", NOW));
        AccessPolicy read = AccessPolicy.fromJson(new JsonObject(policy.toJson().encode()));
        assertThat(read).isEqualTo(policy);
        JsonObject jwk = policy.jwks().getJsonArray("keys").getJsonObject(0);
        assertThat(jwk.getString("kty")).isEqualTo("OKP");
        assertThat(jwk.getString("crv")).isEqualTo("Ed25519");
        assertThat(Base64.getUrlDecoder().decode(jwk.getString("x"))).hasSize(32);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"keys\":{}}", "{\"private\":[\"BAD NAME\"]}", "{\"revokedBefore\":{\"x y\":1}}",
            "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\",\"x\":\"AAAA\"}]}"})
    void malformedDocumentsAreRefused(String document) {
        assertThatThrownBy(() -> AccessPolicy.fromJson(new JsonObject(document))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVerifiedTokenIsRememberedButStillCheckedForTimeAndRevocation() {
        String token = mint(claims("secret"));
        assertThat(refusal(token)).isEqualTo(200);
        assertThat(access.remembered()).isEqualTo(1);
        assertThatCode(() -> access.check(SECRET, token, () -> CLIENT)).doesNotThrowAnyException();
        assertThat(access.remembered()).as("verified once").isEqualTo(1);
        access.install(policy(Map.of("k1", key, "k2", otherKey), Set.of(), Map.of()));
        assertThat(refusal(token)).as("adding a key keeps what was verified").isEqualTo(200);
        access.install(policy(Map.of("k1", key), Set.of("id-1"), Map.of()));
        assertThat(reason(token)).isEqualTo("token revoked");
    }

    @Test
    void aRememberedTokenIsNotTrustedOnceItsKeyIdNamesOtherKeyMaterial() {
        String token = mint(claims("secret"));
        assertThat(refusal(token)).isEqualTo(200);
        access.install(policy(Map.of("k1", otherKey), Set.of(), Map.of()));
        assertThat(reason(token)).isEqualTo("token signature invalid");
    }

    @Test
    void anIssueTimeInTheFutureIsRefusedSoNoRevocationCanBeEscaped() {
        PlaybackClaims base = claims("secret");
        String future = mint(new PlaybackClaims("secret", base.expiresAt(), base.notBefore(), NOW.plusSeconds(600), "f",
                Optional.empty(), List.of()));
        assertThat(reason(future)).isEqualTo("token issued in the future");
    }

    @Test
    void theIssueTimeKeepsItsMilliseconds() throws Exception {
        PlaybackClaims base = claims("secret");
        Instant precise = NOW.minusMillis(1234);
        String token = mint(new PlaybackClaims("secret", base.expiresAt(), base.notBefore(), precise, "p", Optional.empty(),
                List.of()));
        assertThat(PlaybackToken.parse(token).claims().issuedAt()).isEqualTo(precise);
        access.install(policy(Map.of("k1", key), Set.of(), Map.of("secret", precise.plusMillis(1))));
        assertThat(reason(token)).isEqualTo("token revoked");
        access.install(policy(Map.of("k1", key), Set.of(), Map.of("secret", precise)));
        assertThat(refusal(token)).as("issued at the cut-off, not before it").isEqualTo(200);
    }
}
