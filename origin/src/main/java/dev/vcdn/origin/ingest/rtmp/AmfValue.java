package dev.vcdn.origin.ingest.rtmp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The closed set of AMF0 values we accept. AMF is never mapped onto Java classes: decoders that
 * did so became remote code execution (CERT VU#307983).
 */
public sealed interface AmfValue {

    record AmfNumber(double value) implements AmfValue {
    }

    record AmfBoolean(boolean value) implements AmfValue {
    }

    record AmfString(String value) implements AmfValue {
    }

    /** An anonymous object or an ECMA array: ordered properties. */
    record AmfObject(Map<String, AmfValue> properties, boolean ecmaArray) implements AmfValue {

        public AmfObject {
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        public static AmfObject of(Map<String, AmfValue> properties) {
            return new AmfObject(properties, false);
        }

        public Optional<String> string(String key) {
            return properties.get(key) instanceof AmfString s ? Optional.of(s.value()) : Optional.empty();
        }

        public Optional<Double> number(String key) {
            return properties.get(key) instanceof AmfNumber n ? Optional.of(n.value()) : Optional.empty();
        }
    }

    record AmfArray(List<AmfValue> items) implements AmfValue {

        public AmfArray {
            items = List.copyOf(items);
        }
    }

    /** Milliseconds since the epoch; the time-zone field is reserved and ignored. */
    record AmfDate(double epochMillis) implements AmfValue {
    }

    enum AmfNull implements AmfValue {
        INSTANCE
    }

    enum AmfUndefined implements AmfValue {
        INSTANCE
    }

    static AmfNumber number(double value) {
        return new AmfNumber(value);
    }

    static AmfString string(String value) {
        return new AmfString(value);
    }

    static AmfBoolean bool(boolean value) {
        return new AmfBoolean(value);
    }
}
