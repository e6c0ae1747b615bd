package dev.vcdn.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    private static OriginConfig config(Map<String, String> env) {
        return OriginConfig.read(ConfigSource.ofEnvironment(env));
    }

    @Test
    void generatesOnceKeepsItPrivateAndReusesIt(@TempDir Path dataDir) throws Exception {
        OriginConfig config = config(Map.of("VCDN_DATA_DIR", dataDir.toString()));
        String first = AdminToken.resolve(config);
        Path file = dataDir.resolve(AdminToken.FILE_NAME);

        assertThat(first).hasSizeGreaterThanOrEqualTo(OriginConfig.MIN_ADMIN_TOKEN_LENGTH).matches("[A-Za-z0-9_-]+");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(AdminToken.resolve(config)).isEqualTo(first);
    }

    @Test
    void aConfiguredTokenWinsAndNothingIsWritten(@TempDir Path dataDir) {
        OriginConfig config = config(Map.of("VCDN_DATA_DIR", dataDir.toString(), "VCDN_ADMIN_TOKEN", "my-own-token-0123456"));
        assertThat(AdminToken.resolve(config)).isEqualTo("my-own-token-0123456");
        assertThat(dataDir.resolve(AdminToken.FILE_NAME)).doesNotExist();
    }

    @Test
    void refusesAnEmptySavedToken(@TempDir Path dataDir) throws Exception {
        Files.writeString(dataDir.resolve(AdminToken.FILE_NAME), "\n");
        assertThatThrownBy(() -> AdminToken.resolve(config(Map.of("VCDN_DATA_DIR", dataDir.toString()))))
                .hasMessageContaining("holds no usable admin token");
    }
}
