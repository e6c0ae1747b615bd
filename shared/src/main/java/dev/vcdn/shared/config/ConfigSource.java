package dev.vcdn.shared.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One process's settings: a YAML tree overlaid by environment variables. Every key is read
 * through a typed accessor that names its default and its bounds; a value outside them is a
 * {@link ConfigException} naming the key and where the value came from.
 *
 * <p>Each dotted key has one environment override: {@code VCDN_} + the key in upper case with
 * dots and dashes as underscores ({@code http.port} is {@code VCDN_HTTP_PORT}, {@code data-dir}
 * is {@code VCDN_DATA_DIR}). An empty variable counts as unset.
 *
 * <p>Used once at start on the main thread, before any server exists; not thread-safe.
 */
public final class ConfigSource {

    private static final String ENV_PREFIX = "VCDN_";
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|B|KiB|MiB|GiB)");
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+](:\\d{1,5})?");

    private final String sourceName;
    private final Map<String, Object> tree;
    private final Map<String, String> env;
    private final Set<String> readKeys = new HashSet<>();

    private ConfigSource(String sourceName, Map<String, Object> tree, Map<String, String> env) {
        this.sourceName = sourceName;
        this.tree = tree;
        this.env = env;
    }

    /** Defaults and environment only. */
    public static ConfigSource ofEnvironment(Map<String, String> env) {
        return new ConfigSource("defaults", Map.of(), env);
    }

    public static ConfigSource load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString(), env);
    }

    public static ConfigSource parse(String yamlText, String sourceName, Map<String, String> env) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(1 << 20);
        Object root;
        try {
            root = new Yaml(new SafeConstructor(options)).load(yamlText);
        } catch (YAMLException e) {
            throw new ConfigException("", sourceName + " is not valid YAML: " + oneLine(e.getMessage()));
        } catch (RuntimeException e) {
            // SnakeYAML lets some scalars it cannot build escape as themselves (a binary integer past a long's range).
            throw new ConfigException("", sourceName + " is not valid YAML: " + oneLine(e.toString()));
        }
        if (root == null) {
            return new ConfigSource(sourceName, Map.of(), env);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("", sourceName + " must be a YAML mapping of keys to values");
        }
        return new ConfigSource(sourceName, asStringMap("", map, sourceName), env);
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    public Optional<String> optionalString(String key) {
        return raw(key).map(raw -> {
            if (raw.value() instanceof Map || raw.value() instanceof List) {
                throw raw.error("expected a single value, got a " + (raw.value() instanceof Map ? "mapping" : "list"));
            }
            return String.valueOf(raw.value()).trim();
        }).filter(value -> !value.isEmpty());
    }

    public int integer(String key, int defaultValue, int min, int max) {
        Optional<Raw> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(String.valueOf(raw.get().value()).trim());
        } catch (NumberFormatException e) {
            throw raw.get().error("'" + raw.get().value() + "' is not an integer");
        }
        if (value < min || value > max) {
            throw raw.get().error(value + " is outside " + min + ".." + max);
        }
        return (int) value;
    }

    /** A TCP/UDP port; 0 asks the OS for a free one. */
    public int port(String key, int defaultValue) {
        return integer(key, defaultValue, 0, 65_535);
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<Raw> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (String.valueOf(raw.get().value()).trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw raw.get().error("'" + raw.get().value() + "' is not true or false");
        };
    }

    /** A duration written {@code 250ms}, {@code 10s}, {@code 5m} or {@code 1h}. */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        Optional<Raw> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(String.valueOf(raw.get().value()).trim());
        if (!m.matches()) {
            throw raw.get().error("'" + raw.get().value() + "' is not a duration such as 250ms, 10s, 5m, 1h or 30d");
        }
        Duration value;
        try {
            long amount = Long.parseLong(m.group(1));
            value = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (NumberFormatException | ArithmeticException tooLong) {
            throw raw.get().error("'" + raw.get().value() + "' is longer than any duration allowed here (at most " + max + ")");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw raw.get().error(value + " is outside " + min + ".." + max);
        }
        return value;
    }

    /** A size in bytes written {@code 4096}, {@code 64KiB}, {@code 8MiB} or {@code 1GiB}. */
    public long bytes(String key, long defaultValue, long min, long max) {
        Optional<Raw> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(String.valueOf(raw.get().value()).trim());
        if (!m.matches()) {
            throw raw.get().error("'" + raw.get().value() + "' is not a size such as 4096, 64KiB, 8MiB or 1GiB");
        }
        long unit = switch (m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L;
        };
        long value;
        try {
            value = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            throw raw.get().error("'" + raw.get().value() + "' is larger than any size allowed here (at most " + max + " bytes)");
        }
        if (value < min || value > max) {
            throw raw.get().error(value + " bytes is outside " + min + ".." + max);
        }
        return value;
    }

    /** A YAML list, or a comma-separated string (always so in the environment). */
    public List<String> list(String key, List<String> defaultValue) {
        Optional<Raw> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Object value = raw.get().value();
        List<String> items = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map || item instanceof List) {
                    throw raw.get().error("expected a list of plain values");
                }
                items.add(String.valueOf(item).trim());
            }
        } else {
            Arrays.stream(String.valueOf(value).split(",")).map(String::trim).forEach(items::add);
        }
        items.removeIf(String::isEmpty);
        return List.copyOf(items);
    }

    /**
     * The names of the sections under {@code key}: a mapping of name to section, or a list of
     * sections each naming itself with {@code idKey} (turned into the mapping, so that each
     * section's keys read and override like any other: {@code regions.eu.fallback},
     * {@code VCDN_REGIONS_EU_FALLBACK}). Empty when the key is absent; an empty list when the
     * file gives an empty mapping or list.
     */
    public Optional<List<String>> sectionNames(String key, String idKey) {
        readKeys.add(key);
        Map<String, Object> parent = tree;
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            if (!(parent.get(parts[i]) instanceof Map<?, ?> child)) {
                return Optional.empty();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> next = (Map<String, Object>) child;
            parent = next;
        }
        String last = parts[parts.length - 1];
        Object node = parent.get(last);
        if (node == null) {
            return Optional.empty();
        }
        if (node instanceof List<?> list) {
            Map<String, Object> byId = new java.util.LinkedHashMap<>();
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> section) || !(section.get(idKey) instanceof String id) || id.isBlank()) {
                    throw new ConfigException(key, "each entry must be a mapping with an '" + idKey + "' (in " + sourceName + ")");
                }
                Map<String, Object> body = asStringMap(key + "." + id + ".", section, sourceName);
                body.remove(idKey);
                if (byId.put(id, body) != null) {
                    throw new ConfigException(key, "'" + id + "' is listed twice (in " + sourceName + ")");
                }
            }
            parent.put(last, byId);
            node = byId;
        }
        if (!(node instanceof Map<?, ?> map)) {
            throw new ConfigException(key, "expected a mapping or a list of sections (in " + sourceName + ")");
        }
        readKeys.remove(key);
        return Optional.of(map.keySet().stream().map(String::valueOf).toList());
    }

    /** A list of {@code host} or {@code host:port} entries (cluster members, static edges). */
    public List<String> hostPorts(String key, List<String> defaultValue) {
        List<String> entries = list(key, defaultValue);
        for (String entry : entries) {
            if (!HOST_PORT.matcher(entry).matches()) {
                throw raw(key).orElseThrow().error("'" + entry + "' is not host or host:port");
            }
        }
        return entries;
    }

    /** A list of servers as {@code host:port} (plain HTTP) or as an http(s):// URL (static edges, which may speak HTTPS). */
    public List<String> hostPortsOrUrls(String key, List<String> defaultValue) {
        List<String> entries = list(key, defaultValue);
        for (String entry : entries) {
            if (entry.contains("://")) {
                parseHttpUrl(key, entry);
            } else if (!HOST_PORT.matcher(entry).matches()) {
                throw raw(key).orElseThrow().error("'" + entry + "' is not host:port or an http(s) URL");
            }
        }
        return entries;
    }

    /** An absolute http:// or https:// URL. */
    public Optional<URI> httpUrl(String key) {
        return optionalString(key).map(text -> parseHttpUrl(key, text));
    }

    /** A list of absolute http:// or https:// URLs (a YAML list, or comma-separated); the default when absent or empty. */
    public List<URI> httpUrls(String key, List<URI> defaultValue) {
        List<URI> urls = list(key, List.of()).stream().map(text -> parseHttpUrl(key, text)).toList();
        return urls.isEmpty() ? defaultValue : urls;
    }

    private URI parseHttpUrl(String key, String text) {
        try {
            URI uri = new URI(text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw raw(key).orElseThrow().error("'" + text + "' is not an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw raw(key).orElseThrow().error("'" + text + "' is not a URL: " + e.getReason());
        }
    }

    public Path path(String key, Path defaultValue) {
        return optionalString(key).map(text -> {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw raw(key).orElseThrow().error("'" + text + "' is not a path: " + e.getReason());
            }
        }).orElse(defaultValue);
    }

    /**
     * Fails on keys in the file that no accessor read: a misspelt key would otherwise be
     * silently ignored and the default used. Call after the whole config was read.
     */
    public void requireNoUnknownKeys() {
        Set<String> unknown = new TreeSet<>();
        collectUnknown("", tree, unknown);
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new ConfigException(first, "unknown key in " + sourceName
                    + (unknown.size() > 1 ? " (and " + (unknown.size() - 1) + " more: " + unknown + ")" : ""));
        }
    }

    private void collectUnknown(String prefix, Map<String, Object> node, Set<String> unknown) {
        for (Map.Entry<String, Object> entry : node.entrySet()) {
            String key = prefix + entry.getKey();
            if (entry.getValue() instanceof Map<?, ?> child && !readKeys.contains(key)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> section = (Map<String, Object>) child;
                collectUnknown(key + ".", section, unknown);
            } else if (!readKeys.contains(key)) {
                unknown.add(key);
            }
        }
    }

    private Optional<Raw> raw(String key) {
        readKeys.add(key);
        String envName = envName(key);
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new Raw(key, fromEnv, "environment variable " + envName));
        }
        Object node = tree;
        for (String part : key.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return Optional.empty();
            }
            node = map.get(part);
        }
        return node == null ? Optional.empty() : Optional.of(new Raw(key, node, sourceName));
    }

    private static Map<String, Object> asStringMap(String prefix, Map<?, ?> map, String sourceName) {
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String name)) {
                throw new ConfigException(prefix + entry.getKey(), "keys in " + sourceName + " must be strings");
            }
            Object value = entry.getValue() instanceof Map<?, ?> child
                    ? asStringMap(prefix + name + ".", child, sourceName)
                    : entry.getValue();
            result.put(name, value);
        }
        return result;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "parse error";
        }
        return message.lines().map(String::trim).filter(l -> !l.isEmpty()).reduce((a, b) -> a + "; " + b)
                .orElse("parse error");
    }

    private record Raw(String key, Object value, String from) {
        ConfigException error(String problem) {
            return new ConfigException(key, problem + " (from " + from + ")");
        }
    }
}
