package dev.vcdn.origin.auth;

import dev.vcdn.origin.pipeline.ChannelFeatures;

import dev.vcdn.shared.stream.ChannelName;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Channels and the hashes of their stream keys, in an embedded H2 database under the data
 * folder. Blocking JDBC: call it from a worker thread, never from an event loop.
 */
public final class ChannelStore implements AutoCloseable {

    /** Applied in order, once each; the schema_version table remembers how far a database got. */
    private static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE channel (
              name VARCHAR(32) PRIMARY KEY,
              key_hash BINARY(32) NOT NULL UNIQUE,
              av1 BOOLEAN NOT NULL,
              vp9 BOOLEAN NOT NULL,
              low_latency BOOLEAN NOT NULL,
              recording BOOLEAN NOT NULL,
              created_at TIMESTAMP WITH TIME ZONE NOT NULL,
              key_rotated_at TIMESTAMP WITH TIME ZONE NOT NULL
            )""",
            // The ladder rungs a channel may get, comma-separated; NULL for the default ladder.
            "ALTER TABLE channel ADD COLUMN renditions VARCHAR(255)",
            // A private channel plays only with a playback token.
            "ALTER TABLE channel ADD COLUMN private BOOLEAN NOT NULL DEFAULT FALSE",
            // The keys playback tokens are signed with; the newest one not retired signs.
            """
            CREATE TABLE playback_key (
              kid VARCHAR(32) PRIMARY KEY,
              private_key VARBINARY(256) NOT NULL,
              public_key BINARY(32) NOT NULL,
              created_at TIMESTAMP WITH TIME ZONE NOT NULL,
              retired_at TIMESTAMP WITH TIME ZONE
            )""",
            // A revoked token id, or (token_id NULL) a channel's or every channel's ('*') tokens issued before a time.
            """
            CREATE TABLE playback_revocation (
              id BIGINT AUTO_INCREMENT PRIMARY KEY,
              token_id VARCHAR(64),
              channel VARCHAR(32),
              issued_before TIMESTAMP WITH TIME ZONE,
              created_at TIMESTAMP WITH TIME ZONE NOT NULL
            )""",
            // Names of private channels that were deleted: still private (a broadcast may be live, edges
            // may hold its parts) until a channel of that name is created again.
            "CREATE TABLE deleted_private (name VARCHAR(32) PRIMARY KEY)");

    private final JdbcConnectionPool pool;

    private ChannelStore(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** A channel as the admin API shows it; the key is never stored, so never shown again. */
    public record Channel(ChannelName name, ChannelFeatures features, boolean privateChannel, Instant createdAt,
                          Instant keyRotatedAt) {
    }

    /** A channel with its freshly generated key, returned once on create and rotate. */
    public record IssuedKey(ChannelName channel, String streamKey) {
    }

    public static ChannelStore open(Path dataDir) throws SQLException {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("auth") + ";DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "vcdn", "");
        pool.setMaxConnections(4);
        ChannelStore store = new ChannelStore(pool);
        try {
            store.migrate();
        } catch (SQLException e) {
            pool.dispose();
            throw e;
        }
        return store;
    }

    private void migrate() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
            int version;
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                rs.next();
                version = rs.getInt(1);
            }
            c.setAutoCommit(false);
            for (int i = version; i < MIGRATIONS.size(); i++) {
                s.execute(MIGRATIONS.get(i));
                s.execute("INSERT INTO schema_version VALUES (" + (i + 1) + ")");
                c.commit();
            }
        }
    }

    /** @return empty when the channel exists already */
    public Optional<IssuedKey> create(ChannelName name, ChannelFeatures features, boolean privateChannel) throws SQLException {
        String key = StreamKeys.generate();
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection c = pool.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO channel (name, key_hash, av1, vp9, low_latency, "
                     + "recording, created_at, key_rotated_at, renditions, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, name.value());
            insert.setBytes(2, StreamKeys.hash(key));
            insert.setBoolean(3, features.codecs().contains("av1"));
            insert.setBoolean(4, features.codecs().contains("vp9"));
            insert.setBoolean(5, features.lowLatency());
            insert.setBoolean(6, features.recording());
            insert.setTimestamp(7, now);
            insert.setTimestamp(8, now);
            insert.setString(9, features.renditions().equals(ChannelFeatures.DEFAULT_RENDITIONS)
                    ? null : String.join(",", features.renditions()));
            insert.setBoolean(10, privateChannel);
            insert.executeUpdate();
            try (PreparedStatement forget = c.prepareStatement("DELETE FROM deleted_private WHERE name = ?")) {
                forget.setString(1, name.value());
                forget.executeUpdate();
            }
            return Optional.of(new IssuedKey(name, key));
        } catch (SQLException e) {
            if (isDuplicateKey(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The channel whose current key is {@code streamKey}. */
    public Optional<Channel> findByKey(String streamKey) throws SQLException {
        byte[] hash = StreamKeys.hash(streamKey);
        try (Connection c = pool.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT * FROM channel WHERE key_hash = ?")) {
            select.setBytes(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next() && StreamKeys.matches(rs.getBytes("key_hash"), streamKey)) {
                    return Optional.of(channel(rs));
                }
                return Optional.empty();
            }
        }
    }

    public List<Channel> list() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM channel ORDER BY name")) {
            List<Channel> channels = new ArrayList<>();
            while (rs.next()) {
                channels.add(channel(rs));
            }
            return channels;
        }
    }

    public Optional<Channel> find(ChannelName name) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT * FROM channel WHERE name = ?")) {
            select.setString(1, name.value());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(channel(rs)) : Optional.empty();
            }
        }
    }

    /** Makes a channel private or public; false when it does not exist. */
    public boolean setPrivate(ChannelName name, boolean privateChannel) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE channel SET private = ? WHERE name = ?")) {
            update.setBoolean(1, privateChannel);
            update.setString(2, name.value());
            return update.executeUpdate() == 1;
        }
    }

    /** Whether the channel's broadcasts are recorded, from its next publish on; false when there is no such channel. */
    public boolean setRecording(ChannelName name, boolean recording) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE channel SET recording = ? WHERE name = ?")) {
            update.setBoolean(1, recording);
            update.setString(2, name.value());
            return update.executeUpdate() == 1;
        }
    }

    public List<ChannelName> privateChannels() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM channel WHERE private UNION SELECT name FROM deleted_private")) {
            List<ChannelName> names = new ArrayList<>();
            while (rs.next()) {
                names.add(ChannelName.of(rs.getString(1)));
            }
            return names;
        }
    }

    /** A connection of the auth database, for the stores that share it ({@link AccessStore}). */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** Deletes a channel; a private one's name stays private (see the deleted_private table). */
    public boolean delete(ChannelName name) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement remember = c.prepareStatement(
                         "MERGE INTO deleted_private KEY (name) SELECT name FROM channel WHERE name = ? AND private");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM channel WHERE name = ?")) {
                remember.setString(1, name.value());
                remember.executeUpdate();
                delete.setString(1, name.value());
                boolean deleted = delete.executeUpdate() == 1;
                c.commit();
                return deleted;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Replaces the key: the old one stops working at once. Empty when the channel does not exist. */
    public Optional<IssuedKey> rotateKey(ChannelName name) throws SQLException {
        String key = StreamKeys.generate();
        try (Connection c = pool.getConnection();
             PreparedStatement update = c.prepareStatement(
                     "UPDATE channel SET key_hash = ?, key_rotated_at = ? WHERE name = ?")) {
            update.setBytes(1, StreamKeys.hash(key));
            update.setTimestamp(2, Timestamp.from(Instant.now()));
            update.setString(3, name.value());
            return update.executeUpdate() == 1 ? Optional.of(new IssuedKey(name, key)) : Optional.empty();
        }
    }

    private static Channel channel(ResultSet rs) throws SQLException {
        ChannelFeatures features = ChannelFeatures.of(rs.getBoolean("av1"), rs.getBoolean("vp9"), rs.getBoolean("low_latency"),
                rs.getBoolean("recording"));
        String renditions = rs.getString("renditions");
        return new Channel(
                ChannelName.of(rs.getString("name")),
                renditions == null ? features : features.withRenditions(List.of(renditions.split(","))),
                rs.getBoolean("private"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("key_rotated_at").toInstant());
    }

    private static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
