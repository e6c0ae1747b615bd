package dev.vcdn.shared.stream;

import java.util.regex.Pattern;

/** The one place that says what a valid name looks like, so every part refuses the same inputs. */
final class Identifiers {

    /** Channel and rendition names: lower case, digits, '_' and '-', 1 to 32 characters. */
    static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");

    private Identifiers() {
    }

    /** Whether {@code value} matches {@link #NAME}; checked char by char, as names come with every viewer request. */
    static boolean isName(String value) {
        if (value == null || value.isEmpty() || value.length() > 32) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    static String requireName(String kind, String value) {
        return isName(value) ? value : require(kind, NAME, value);
    }

    static String require(String kind, Pattern pattern, String value) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " is missing");
        }
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(kind + " '" + printable(value) + "' does not match " + pattern.pattern());
        }
        return value;
    }

    /** Error messages quote untrusted input: keep them short and free of control characters. */
    static String printable(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        return out.toString();
    }
}
