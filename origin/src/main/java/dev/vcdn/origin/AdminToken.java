package dev.vcdn.origin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token of the admin API. When none is configured, one is generated on the first
 * start, kept in the data folder (readable by the owner only) and printed once.
 */
final class AdminToken {

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    static final String FILE_NAME = "admin-token";

    private AdminToken() {
    }

    static String resolve(OriginConfig config) {
        if (config.adminToken().isPresent()) {
            return config.adminToken().get();
        }
        Path file = config.dataDir().resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                String saved = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (saved.length() >= OriginConfig.MIN_ADMIN_TOKEN_LENGTH) {
                    return saved;
                }
                throw new IllegalStateException(file + " holds no usable admin token: delete it to generate a new one");
            }
            return generate(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the admin token in " + file, e);
        }
    }

    private static String generate(Path file) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        log.info("generated the admin token {} (kept in {}; set VCDN_ADMIN_TOKEN to choose one)", token, file);
        return token;
    }
}
