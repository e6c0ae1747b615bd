package dev.vcdn.origin.recording;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Recordings as files under a folder (the data dir's {@code recordings} by default). A file is
 * written beside its place under a hidden temporary name and renamed into place, so a crash
 * mid-write leaves a hidden file that no listing shows, never a short segment.
 */
public final class DiskRecordingStore implements RecordingStore {

    private static final String TEMPORARY = ".";

    private final Vertx vertx;
    private final FileSystem files;
    private final Path root;

    public DiskRecordingStore(Vertx vertx, Path root) {
        this.vertx = vertx;
        this.files = vertx.fileSystem();
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
        Path temporary = target.resolveSibling(TEMPORARY + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        return files.mkdirs(target.getParent().toString())
                .compose(ignored -> files.writeFile(temporary.toString(), bytes))
                .compose(ignored -> files.move(temporary.toString(), target.toString(),
                        new CopyOptions().setAtomicMove(true).setReplaceExisting(true)))
                .recover(error -> files.delete(temporary.toString()).transform(ignored -> Future.failedFuture(error)));
    }

    @Override
    public Future<Optional<Buffer>> get(String key) {
        return files.readFile(resolve(key).toString()).map(Optional::of)
                .recover(error -> missing(error) ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(error));
    }

    @Override
    public Future<List<String>> children(String prefix) {
        Path folder = folder(prefix);
        return vertx.executeBlocking(() -> {
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> listed = Files.list(folder)) {
                return listed.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith(TEMPORARY)).toList();
            }
        }, false);
    }

    @Override
    public Future<List<StoredObject>> objects(String prefix) {
        Path folder = folder(prefix);
        return vertx.executeBlocking(() -> {
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            List<StoredObject> found = new ArrayList<>();
            try (Stream<Path> walked = Files.walk(folder)) {
                walked.filter(Files::isRegularFile).forEach(path -> {
                    try {
                        found.add(new StoredObject(root.relativize(path).toString().replace('\\', '/'), Files.size(path)));
                    } catch (NoSuchFileException gone) {
                        // deleted meanwhile: not there any more
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            return found;
        }, false);
    }

    @Override
    public Future<Void> deleteAll(String prefix) {
        String folder = folder(prefix).toString();
        return files.exists(folder).compose(exists -> exists ? files.deleteRecursive(folder) : Future.succeededFuture());
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
