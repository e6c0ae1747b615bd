package dev.vcdn.origin.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskRecordingStoreTest extends RecordingStoreContract {

    @TempDir
    Path root;

    @Override
    RecordingStore store() {
        return new DiskRecordingStore(vertx, vertx.createSharedWorkerExecutor("recordings-test", 2), root);
    }

    @Test
    void aFileCutShortByACrashIsNeverListed() throws Exception {
        RecordingStore store = store();
        await(store.put("alice/b1/720p/1_1000_2000_0.m4s", Buffer.buffer("whole"), "video/mp4"));
        // What a crash in the middle of a write leaves: the hidden temporary file, never renamed into place.
        Files.writeString(root.resolve("alice/b1/720p/.2_3000_2000_0.m4s.1234.tmp"), "half");
        assertThat(await(store.children("alice/b1/720p/"))).containsExactly("1_1000_2000_0.m4s");
    }
}
