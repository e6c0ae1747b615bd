package dev.vcdn.origin.recording;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Optional;

/**
 * Where recordings lie: keys of {@code /}-separated names under which whole objects are written
 * once. An object is visible only once written whole, never partly. Every call returns at once;
 * the work happens off the event loop (file system workers, or the network).
 */
public interface RecordingStore {

    /** Writes {@code bytes} under {@code key}, replacing what was there. */
    Future<Void> put(String key, Buffer bytes, String contentType);

    /** The object, or empty when there is none. */
    Future<Optional<Buffer>> get(String key);

    /**
     * The names directly under {@code prefix} (which ends with {@code /}): objects by their last
     * name, folders by their name without the {@code /}; empty when there is nothing.
     */
    Future<List<String>> children(String prefix);

    /** The bytes of every object under {@code prefix}, at any depth. */
    Future<Long> size(String prefix);

    /** Removes every object under {@code prefix}. */
    Future<Void> deleteAll(String prefix);

    /** What it is, for logs: {@code disk /var/lib/vcdn/recordings}, {@code s3 https://host/bucket}. */
    String describe();

    /** A folder's prefix: empty (the whole store) or a key ending with {@code /}. */
    static String checkedPrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("not a recording store folder: " + prefix);
        }
        return checkedKey(prefix);
    }

    /** Keys are made by us from validated names; this refuses anything that would leave the store. */
    static String checkedKey(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("//") || key.contains("..") || key.indexOf('\\') >= 0
                || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("not a recording store key: " + key);
        }
        return key;
    }
}
