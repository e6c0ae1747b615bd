package dev.vcdn.shared.config;

/** A config file or value the process cannot start with. The message names the key and the source. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String message) {
        super(printable(key.isEmpty() ? message : key + ": " + message));
        this.key = key;
    }

    /**
     * The message on one line, as a log line and exit message must be: control characters of a
     * value quoted in it (a line break in an environment variable, say) are written as escapes.
     */
    private static String printable(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The dotted key at fault, or empty when the whole file is at fault. */
    public String key() {
        return key;
    }
}
