package dev.vcdn.shared.config;

/** A config file or value the process cannot start with. The message names the key and the source. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String message) {
        super(key.isEmpty() ? message : key + ": " + message);
        this.key = key;
    }

    /** The dotted key at fault, or empty when the whole file is at fault. */
    public String key() {
        return key;
    }
}
