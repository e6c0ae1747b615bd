package dev.vcdn.origin.auth;

import dev.vcdn.shared.access.PlaybackClaims;
import dev.vcdn.shared.access.PlaybackToken;
import dev.vcdn.shared.http.TokenPrefix;
import dev.vcdn.shared.net.Cidr;
import dev.vcdn.shared.stream.ChannelName;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playback-access half of the admin API: minting playback tokens, rotating the signing
 * keys, revoking tokens, and the access document every origin follows ({@code /auth/access}).
 */
final class PlaybackAdmin {

    private static final Logger log = LoggerFactory.getLogger(PlaybackAdmin.class);
    static final Duration DEFAULT_TTL = Duration.ofHours(2);
    static final Duration MAX_TTL = Duration.ofDays(30);
    private static final Pattern TTL = Pattern.compile("([0-9]{1,6})([smhd])");
    /** Clocks of origins and edges differ a little: a fresh token is valid from a moment before it was made. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final ChannelStore channels;
    private final AccessStore store;
    private final AccessDocument document;
    private final Clock clock;

    PlaybackAdmin(Vertx vertx, ChannelStore channels, AccessStore store, AccessDocument document, Clock clock) {
        this.vertx = vertx;
        this.channels = channels;
        this.store = store;
        this.document = document;
        this.clock = clock;
    }

    void mount(Router router, Handler<RoutingContext> body, Handler<RoutingContext> admin, String authPath) {
        router.post("/api/channels/:name/playback-tokens").handler(body).handler(admin).handler(this::mint);
        router.get("/api/playback-keys").handler(admin).handler(this::listKeys);
        router.post("/api/playback-keys").handler(admin).handler(this::addKey);
        router.delete("/api/playback-keys/:kid").handler(admin).handler(this::retireKey);
        router.post("/api/playback-revocations").handler(body).handler(admin).handler(this::revoke);
        router.get(authPath + "/access").handler(admin).handler(this::access);
    }

    private void mint(RoutingContext ctx) {
        ChannelName name = BuiltInAuthService.channelName(ctx.pathParam("name"));
        JsonObject request = ctx.body().isEmpty() ? new JsonObject() : BuiltInAuthService.jsonBody(ctx);
        Duration ttl = ttl(request.getValue("ttl"));
        Optional<Cidr> block = cidr(request.getValue("cidr"));
        List<String> regions = regions(request.getValue("regions"));
        blocking(() -> channels.find(name).isPresent() ? Optional.of(store.signingKey()) : Optional.<AccessStore.SigningKey>empty())
                .onSuccess(key -> {
                    if (key.isEmpty()) {
                        ctx.fail(404);
                        return;
                    }
                    Instant now = clock.instant();
                    PlaybackClaims claims;
                    try {
                        claims = new PlaybackClaims(name.value(), now.plus(ttl), now.minus(CLOCK_SKEW), now, tokenId(),
                                block, regions);
                    } catch (IllegalArgumentException e) {
                        ctx.fail(new HttpException(400, e.getMessage()));
                        return;
                    }
                    String token = PlaybackToken.mint(claims, key.get().id(), key.get().key());
                    BuiltInAuthService.json(ctx, 201, new JsonObject()
                            .put("token", token)
                            .put("id", claims.id())
                            .put("expiresAt", claims.expiresAt().toString())
                            .put("master", TokenPrefix.under(token, "/live/" + name.value() + "/master.m3u8"))
                            .put("watch", TokenPrefix.under(token, "/watch/" + name.value())));
                }).onFailure(ctx::fail);
    }

    private void listKeys(RoutingContext ctx) {
        blocking(store::keys).onSuccess(keys -> {
            JsonArray list = new JsonArray();
            keys.forEach(key -> list.add(new JsonObject().put("kid", key.id()).put("createdAt", key.createdAt().toString())
                    .put("retiredAt", key.retiredAt().map(Instant::toString).orElse(null))));
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(list.encode());
        }).onFailure(ctx::fail);
    }

    private void addKey(RoutingContext ctx) {
        blocking(store::addKey).onSuccess(key -> {
            document.changed();
            log.info("playback key {} added; it signs from now on", key.id());
            BuiltInAuthService.json(ctx, 201, new JsonObject().put("kid", key.id()));
        }).onFailure(ctx::fail);
    }

    private void retireKey(RoutingContext ctx) {
        String kid = ctx.pathParam("kid");
        blocking(() -> store.retireKey(kid)).onSuccess(retired -> {
            if (!retired) {
                ctx.fail(404);
                return;
            }
            document.changed();
            log.info("playback key {} retired; tokens it signed stop playing", kid);
            ctx.response().setStatusCode(204).end();
        }).onFailure(error -> ctx.fail(error instanceof IllegalStateException ? new HttpException(409, error.getMessage()) : error));
    }

    /** {@code {"tokenId": ID}} or {@code {"channel": NAME|"*", "issuedBefore": ISO-8601 (default now)}}. */
    private void revoke(RoutingContext ctx) {
        JsonObject request = BuiltInAuthService.jsonBody(ctx);
        Object tokenId = request.getValue("tokenId");
        Object channel = request.getValue("channel");
        Future<Void> revoked;
        if (tokenId instanceof String id && !id.isEmpty() && id.length() <= PlaybackClaims.MAX_ID_LENGTH && channel == null) {
            revoked = blocking(() -> {
                store.revokeToken(id);
                return null;
            });
        } else if (channel instanceof String name && AccessStore.validRevocationChannel(name) && tokenId == null) {
            Instant before = issuedBefore(request.getValue("issuedBefore"));
            revoked = blocking(() -> {
                store.revokeIssuedBefore(name, before);
                return null;
            });
        } else {
            throw new HttpException(400, "give either tokenId, or channel (a name or *) with an optional issuedBefore");
        }
        revoked.onSuccess(ignored -> {
            document.changed();
            log.info("playback tokens revoked: {}", request.encode());
            ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
    }

    /** The access document, for the origins: 304 while their ETag is current. */
    private void access(RoutingContext ctx) {
        document.get().onSuccess(encoded -> encoded.answer(ctx.request())).onFailure(ctx::fail);
    }

    /** A revocation's cut-off: tokens minted here carry their issue time to the millisecond. */
    private Instant issuedBefore(Object value) {
        Instant before;
        if (value == null) {
            before = clock.instant();
        } else if (value instanceof String text) {
            try {
                before = Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                throw new HttpException(400, "issuedBefore must be an ISO-8601 instant");
            }
        } else {
            throw new HttpException(400, "issuedBefore must be an ISO-8601 instant");
        }
        return before;
    }

    static Duration ttl(Object value) {
        if (value == null) {
            return DEFAULT_TTL;
        }
        Matcher m = value instanceof String text ? TTL.matcher(text) : null;
        if (m == null || !m.matches()) {
            throw new HttpException(400, "ttl must be a number and a unit (s, m, h, d), e.g. \"2h\"");
        }
        long amount = Long.parseLong(m.group(1));
        Duration ttl = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (ttl.compareTo(Duration.ofSeconds(10)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new HttpException(400, "ttl must be between 10s and 30d");
        }
        return ttl;
    }

    private static Optional<Cidr> cidr(Object value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Cidr.parse((String) value));
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new HttpException(400, "cidr must be an address block such as 203.0.113.0/24");
        }
    }

    private static List<String> regions(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array) || array.size() > PlaybackClaims.MAX_REGIONS) {
            throw new HttpException(400, "regions must be an array of region names");
        }
        List<String> regions = new ArrayList<>();
        for (Object region : array) {
            if (!(region instanceof String name)) {
                throw new HttpException(400, "regions must be an array of region names");
            }
            regions.add(name);
        }
        return regions;
    }

    private static String tokenId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }
}
