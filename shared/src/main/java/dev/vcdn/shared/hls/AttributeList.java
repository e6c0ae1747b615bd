package dev.vcdn.shared.hls;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** An attribute list ({@code NAME=VALUE,NAME="quoted"}), RFC 8216bis section 4.2; quotes removed. */
final class AttributeList {

    private final Map<String, String> values;
    private final int line;

    private AttributeList(Map<String, String> values, int line) {
        this.values = values;
        this.line = line;
    }

    static AttributeList parse(String text, int line) {
        Map<String, String> values = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int equals = text.indexOf('=', i);
            if (equals <= i) {
                throw new PlaylistParseException(line, "attribute without a name or '=' in '" + text + "'");
            }
            String name = text.substring(i, equals);
            if (!name.matches("[A-Z0-9-]+")) {
                throw new PlaylistParseException(line, "bad attribute name '" + name + "'");
            }
            int valueStart = equals + 1;
            int end;
            String value;
            if (valueStart < text.length() && text.charAt(valueStart) == '"') {
                int close = text.indexOf('"', valueStart + 1);
                if (close < 0) {
                    throw new PlaylistParseException(line, "unterminated quoted string for " + name);
                }
                value = text.substring(valueStart + 1, close);
                end = close + 1;
            } else {
                int comma = text.indexOf(',', valueStart);
                end = comma < 0 ? text.length() : comma;
                value = text.substring(valueStart, end);
            }
            if (values.put(name, value) != null) {
                throw new PlaylistParseException(line, "attribute " + name + " given twice");
            }
            if (end < text.length()) {
                if (text.charAt(end) != ',') {
                    throw new PlaylistParseException(line, "expected ',' after " + name);
                }
                end++;
            }
            i = end;
        }
        return new AttributeList(values, line);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String name) {
        return get(name).orElseThrow(() -> new PlaylistParseException(line, "missing " + name));
    }

    boolean yes(String name) {
        return get(name).map("YES"::equals).orElse(false);
    }

    Optional<Double> decimal(String name) {
        return get(name).map(value -> PlaylistParser.decimal(value, line));
    }

    long integer(String name) {
        return PlaylistParser.integer(required(name), line);
    }
}
