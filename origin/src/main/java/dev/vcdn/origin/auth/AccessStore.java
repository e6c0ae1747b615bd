package dev.vcdn.origin.auth;

import dev.vcdn.shared.access.AccessPolicy;
import dev.vcdn.shared.access.Ed25519;
import dev.vcdn.shared.access.PlaybackClaims;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The playback-token side of the auth database: the Ed25519 keys tokens are signed with (the
 * private halves never leave it) and the revocations. Rotation is "add a key, it signs from now
 * on; retire the old one once its tokens have expired". Blocking JDBC, like {@link ChannelStore}.
 */
public final class AccessStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ChannelStore channels;

    public AccessStore(ChannelStore channels) {
        this.channels = channels;
    }

    /** A key that signs, with its id. */
    public record SigningKey(String id, PrivateKey key) {
    }

    /** A key as the admin API lists it. */
    public record KeyInfo(String id, Instant createdAt, Optional<Instant> retiredAt) {
    }

    /** The key that signs: the newest not retired, made on first use. */
    public synchronized SigningKey signingKey() throws SQLException {
        try (Connection c = channels.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT kid, private_key FROM playback_key WHERE retired_at IS NULL "
                     + "ORDER BY created_at DESC, kid LIMIT 1")) {
            if (rs.next()) {
                return new SigningKey(rs.getString(1), Ed25519.privateKey(rs.getBytes(2)));
            }
        }
        return addKey();
    }

    /** A new key, which signs from now on; the others keep verifying the tokens they signed. */
    public synchronized SigningKey addKey() throws SQLException {
        KeyPair pair = Ed25519.generate();
        byte[] id = new byte[9];
        RANDOM.nextBytes(id);
        String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        try (Connection c = channels.connection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO playback_key (kid, private_key, public_key, created_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, kid);
            insert.setBytes(2, pair.getPrivate().getEncoded());
            insert.setBytes(3, Ed25519.raw(pair.getPublic()));
            // Strictly later than any key before it: the newest signs.
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        return new SigningKey(kid, pair.getPrivate());
    }

    /**
     * Retires a key: tokens it signed stop playing everywhere. The last key in use cannot be retired.
     *
     * @return false when there is no such key in use
     * @throws IllegalStateException when it is the last one
     */
    public synchronized boolean retireKey(String kid) throws SQLException {
        try (Connection c = channels.connection()) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM playback_key WHERE retired_at IS NULL")) {
                rs.next();
                if (rs.getInt(1) <= 1) {
                    try (PreparedStatement exists = c.prepareStatement(
                            "SELECT 1 FROM playback_key WHERE kid = ? AND retired_at IS NULL")) {
                        exists.setString(1, kid);
                        try (ResultSet found = exists.executeQuery()) {
                            if (found.next()) {
                                throw new IllegalStateException("the last key in use cannot be retired: add one first");
                            }
                        }
                    }
                    return false;
                }
            }
            try (PreparedStatement retire = c.prepareStatement(
                    "UPDATE playback_key SET retired_at = ? WHERE kid = ? AND retired_at IS NULL")) {
                retire.setTimestamp(1, Timestamp.from(Instant.now()));
                retire.setString(2, kid);
                return retire.executeUpdate() == 1;
            }
        }
    }

    public List<KeyInfo> keys() throws SQLException {
        try (Connection c = channels.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT kid, created_at, retired_at FROM playback_key ORDER BY created_at")) {
            List<KeyInfo> keys = new ArrayList<>();
            while (rs.next()) {
                Timestamp retired = rs.getTimestamp(3);
                keys.add(new KeyInfo(rs.getString(1), rs.getTimestamp(2).toInstant(),
                        Optional.ofNullable(retired).map(Timestamp::toInstant)));
            }
            return keys;
        }
    }

    public void revokeToken(String tokenId) throws SQLException {
        revoke(tokenId, null, null);
    }

    /** Revokes the tokens of {@code channel} (or {@code *}: of every channel) issued before {@code before}. */
    public void revokeIssuedBefore(String channel, Instant before) throws SQLException {
        revoke(null, channel, before);
    }

    private void revoke(String tokenId, String channel, Instant before) throws SQLException {
        try (Connection c = channels.connection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO playback_revocation "
                     + "(token_id, channel, issued_before, created_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, tokenId);
            insert.setString(2, channel);
            insert.setTimestamp(3, before == null ? null : Timestamp.from(before));
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    /** What origins and edges check playback against: keys in use, private channels, revocations (the newest, bounded). */
    public AccessPolicy policy() throws SQLException {
        signingKey();
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        Set<String> revokedIds = new HashSet<>();
        Map<String, Instant> revokedBefore = new HashMap<>();
        try (Connection c = channels.connection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT kid, public_key FROM playback_key WHERE retired_at IS NULL")) {
                while (rs.next()) {
                    keys.put(rs.getString(1), Ed25519.publicKey(rs.getBytes(2)));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT token_id FROM playback_revocation WHERE token_id IS NOT NULL "
                    + "ORDER BY id DESC LIMIT " + AccessPolicy.MAX_ENTRIES)) {
                while (rs.next()) {
                    revokedIds.add(rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT channel, MAX(issued_before) FROM playback_revocation "
                    + "WHERE token_id IS NULL GROUP BY channel")) {
                while (rs.next()) {
                    revokedBefore.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return new AccessPolicy(keys, Set.copyOf(channels.privateChannels()), revokedIds, revokedBefore);
    }

    static boolean validRevocationChannel(String channel) {
        return PlaybackClaims.ANY_CHANNEL.equals(channel) || dev.vcdn.shared.stream.ChannelName.isValid(channel);
    }
}
