package dev.vcdn.origin.recording;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Recordings as files under a folder (the data dir's {@code recordings} by default). A file is
 * written beside its place under a hidden temporary name, synced, and renamed into place, so a
 * crash (or a power cut) mid-write leaves a hidden file that no listing shows, never a short
 * segment. File work runs on the recordings' own workers, never on an event loop and never on the
 * worker pool that publish checks use.
 */
public final class DiskRecordingStore implements RecordingStore {

    private static final String TEMPORARY = ".";

    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final Path root;

    /** @param workers the recordings' own blocking threads (a slow disk holds up nothing else) */
    public DiskRecordingStore(Vertx vertx, WorkerExecutor workers, Path root) {
        this.vertx = vertx;
        this.workers = workers;
        this.root = root.toAbsolutePath().normalize();
    }

    private Path resolve(String key) {
        return root.resolve(RecordingStore.checkedKey(key));
    }

    private Path folder(String prefix) {
        return root.resolve(RecordingStore.checkedPrefix(prefix));
    }

    @Override
    public Future<Void> put(String key, Buffer bytes, String contentType) {
        Path target = resolve(key);
        return workers.executeBlocking(() -> {
            write(target, bytes);
            return null;
        }, false);
    }

    private static void write(Path target, Buffer bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling(TEMPORARY + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer content = ByteBuffer.wrap(bytes.getBytes());
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true); // the rename itself survives a power cut
        } catch (IOException notSupported) {
            // Some file systems cannot sync a directory; the file itself is synced.
        }
    }

    @Override
    public Future<Optional<Buffer>> get(String key) {
        return vertx.fileSystem().readFile(resolve(key).toString()).map(Optional::of)
                .recover(error -> missing(error) ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(error));
    }

    @Override
    public Future<List<String>> children(String prefix) {
        Path folder = folder(prefix);
        return workers.executeBlocking(() -> {
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> listed = Files.list(folder)) {
                return listed.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith(TEMPORARY)).toList();
            }
        }, false);
    }

    @Override
    public Future<Long> size(String prefix) {
        Path folder = folder(prefix);
        return workers.executeBlocking(() -> {
            if (!Files.isDirectory(folder)) {
                return 0L;
            }
            try (Stream<Path> walked = Files.walk(folder)) {
                return walked.filter(Files::isRegularFile).mapToLong(DiskRecordingStore::sizeOf).sum();
            }
        }, false);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0; // deleted meanwhile
        }
    }

    @Override
    public Future<Void> deleteAll(String prefix) {
        String folder = folder(prefix).toString();
        return vertx.fileSystem().exists(folder)
                .compose(exists -> exists ? vertx.fileSystem().deleteRecursive(folder) : Future.succeededFuture());
    }

    @Override
    public String describe() {
        return "disk " + root;
    }

    private static boolean missing(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof NoSuchFileException) {
                return true;
            }
        }
        return false;
    }
}
