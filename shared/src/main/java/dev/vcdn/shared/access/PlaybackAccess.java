package dev.vcdn.shared.access;

import dev.vcdn.shared.net.IpLiteral;
import dev.vcdn.shared.stream.ChannelName;
import java.net.InetAddress;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Checks playback requests against the current {@link AccessPolicy}, offline: a public channel
 * needs nothing; a private one a token whose signature verifies under a current key, in its time
 * window, for the channel, from the client's address block and for this region when it says so,
 * and not revoked. Read from every event loop: the policy is swapped whole. Signatures are the
 * only costly step (about 60 us): tokens whose signature verified are remembered with the key that
 * verified it (valid while the policy still has that key under that id), and so are forged ones
 * (a crowd replaying one costs one verification), each memory bounded. Until a first policy is
 * installed nothing private can be known, so {@link #ready()} is false and callers refuse playback.
 */
public final class PlaybackAccess {

    /** Verified tokens remembered at most (about 1 KB each); past it the memory starts over (a viewer's token is verified again). */
    static final int MAX_REMEMBERED = 20_000;
    /** How far ahead of this clock a token's issue time may be: clocks of the issuer and of this node differ a little. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final Optional<String> region;
    private final Clock clock;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PublicKey> forged = new ConcurrentHashMap<>();
    private volatile AccessPolicy policy;

    /** @param region the region this node serves (an edge's), whose name a token's {@code regions} must hold; empty at an origin */
    public PlaybackAccess(Optional<String> region, Clock clock) {
        this.region = region;
        this.clock = clock;
    }

    public boolean ready() {
        return policy != null;
    }

    public Optional<AccessPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    public void install(AccessPolicy next) {
        policy = next;
    }

    /** A token whose signature {@code key} verified. */
    private record Verified(PlaybackToken token, PublicKey key) {
    }

    /** Tokens remembered as verified, for tests. */
    int remembered() {
        return verified.size();
    }

    /** Whether {@code channel} is private; false before a policy is known (check {@link #ready()} first). */
    public boolean isPrivate(ChannelName channel) {
        AccessPolicy current = policy;
        return current != null && current.isPrivate(channel);
    }

    /**
     * Lets a request for {@code channel} through, or says why not.
     *
     * @param token  the token the request carries, or null
     * @param client the client's address as text, asked for only when a token has a {@code cidr} claim
     * @throws TokenRefused 401 without a token for a private channel, 403 for a bad one
     */
    public void check(ChannelName channel, String token, Supplier<String> client) throws TokenRefused {
        AccessPolicy current = policy;
        if (current == null) {
            throw TokenRefused.forbidden("access rules not loaded yet");
        }
        if (!current.isPrivate(channel)) {
            return;
        }
        if (token == null || token.isEmpty()) {
            throw TokenRefused.missing();
        }
        PlaybackToken parsed = verified(token, current);
        PlaybackClaims claims = parsed.claims();
        Instant now = clock.instant();
        if (!now.isBefore(claims.expiresAt())) {
            throw TokenRefused.forbidden("token expired");
        }
        if (now.isBefore(claims.notBefore())) {
            throw TokenRefused.forbidden("token not valid yet");
        }
        if (claims.issuedAt().isAfter(now.plus(CLOCK_SKEW))) {
            // An issue time in the future would escape every "issued before" revocation.
            throw TokenRefused.forbidden("token issued in the future");
        }
        if (!claims.grants(channel)) {
            throw TokenRefused.forbidden("token is for another channel");
        }
        if (current.revoked(claims, channel)) {
            throw TokenRefused.forbidden("token revoked");
        }
        if (!claims.regions().isEmpty() && region.isPresent() && !claims.regions().contains(region.get())) {
            throw TokenRefused.forbidden("token is not for this region");
        }
        if (claims.clientBlock().isPresent()) {
            Optional<InetAddress> address = IpLiteral.parse(client.get());
            if (address.isEmpty() || !claims.clientBlock().get().contains(address.get())) {
                throw TokenRefused.forbidden("token is not for this address");
            }
        }
    }

    /** The token, its signature checked now or found checked before by the key the policy still has under its id. */
    private PlaybackToken verified(String token, AccessPolicy current) throws TokenRefused {
        Verified known = verified.get(token);
        if (known != null && known.key().equals(current.keys().get(known.token().keyId()))) {
            return known.token();
        }
        PlaybackToken parsed = PlaybackToken.parse(token);
        PublicKey key = current.keys().get(parsed.keyId());
        if (key == null) {
            throw TokenRefused.forbidden("token signed with an unknown key");
        }
        if (key.equals(forged.get(token)) || !Ed25519.verify(key, parsed.signedPart(), parsed.signature())) {
            remember(forged, token, key);
            throw TokenRefused.forbidden("token signature invalid");
        }
        remember(verified, token, new Verified(parsed, key));
        return parsed;
    }

    private static <V> void remember(ConcurrentHashMap<String, V> memory, String token, V value) {
        if (memory.size() >= MAX_REMEMBERED) {
            memory.clear();
        }
        memory.put(token, value);
    }
}
