package dev.vcdn.origin.recording;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** A real store whose segment writes are answered by {@code segmentPut} instead: one that hangs or fails. */
final class SegmentWritesStore implements RecordingStore {

    private final RecordingStore store;
    private final Function<String, Future<Void>> segmentPut;

    SegmentWritesStore(RecordingStore store, Function<String, Future<Void>> segmentPut) {
        this.store = store;
        this.segmentPut = segmentPut;
    }

    @Override
    public Future<Void> put(String key, Buffer bytes, String contentType) {
        return key.endsWith(".m4s") ? segmentPut.apply(key) : store.put(key, bytes, contentType);
    }

    @Override
    public Future<Optional<Buffer>> get(String key) {
        return store.get(key);
    }

    @Override
    public Future<List<String>> children(String prefix) {
        return store.children(prefix);
    }

    @Override
    public Future<Long> size(String prefix) {
        return store.size(prefix);
    }

    @Override
    public Future<Void> deleteAll(String prefix) {
        return store.deleteAll(prefix);
    }

    @Override
    public String describe() {
        return "test " + store.describe();
    }
}
