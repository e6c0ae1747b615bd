package dev.vcdn.origin.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfArray;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfDate;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfNull;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfObject;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfUndefined;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0Test {

    private static List<AmfValue> decode(String hex) {
        return Amf0.decodeAll(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", ""))));
    }

    @Test
    void decodesTheConnectCommandOfffmpeg() {
        // "connect", 1.0, {app: "live"} as ffmpeg writes it (trimmed to one property).
        List<AmfValue> values = decode("02 0007 636f6e6e656374  00 3ff0000000000000  03 0003 617070 02 0004 6c697665 0000 09");
        assertThat(values).containsExactly(AmfValue.string("connect"), AmfValue.number(1.0),
                AmfObject.of(Map.of("app", AmfValue.string("live"))));
    }

    @Test
    void roundTripsEveryAcceptedType() {
        Map<String, AmfValue> properties = new LinkedHashMap<>();
        properties.put("n", AmfValue.number(-2.5));
        properties.put("b", AmfValue.bool(true));
        properties.put("s", AmfValue.string("ünïcode"));
        properties.put("null", AmfNull.INSTANCE);
        properties.put("undefined", AmfUndefined.INSTANCE);
        properties.put("array", new AmfArray(List.of(AmfValue.number(1), AmfValue.string("x"))));
        properties.put("date", new AmfDate(1.7e12));
        properties.put("ecma", new AmfObject(Map.of("width", AmfValue.number(1280)), true));
        List<AmfValue> values = List.of(AmfValue.string("x".repeat(Amf0.MAX_STRING_BYTES)), AmfObject.of(properties));
        ByteBuf out = Unpooled.buffer();
        values.forEach(v -> Amf0.encode(v, out));
        assertThat(Amf0.decodeAll(out)).isEqualTo(values);
    }

    @Test
    void refusesAmf3TypedObjectsReferencesAndXml() {
        assertThatThrownBy(() -> decode("11 04 01")).hasMessageContaining("AMF3");
        assertThatThrownBy(() -> decode("10 0003 466f6f 0000 09")).hasMessageContaining("typed objects");
        assertThatThrownBy(() -> decode("07 0000")).hasMessageContaining("references");
        assertThatThrownBy(() -> decode("0f 00000001 3c")).hasMessageContaining("XML");
        assertThatThrownBy(() -> decode("0d")).hasMessageContaining("unknown type marker 0xd");
    }

    @Test
    void refusesTruncatedValuesWithoutReadingPastTheEnd() {
        assertThatThrownBy(() -> decode("00 3ff0")).isInstanceOf(RtmpProtocolException.class).hasMessage("AMF0: truncated number");
        assertThatThrownBy(() -> decode("02 0010 6162")).hasMessage("AMF0: truncated string");
        assertThatThrownBy(() -> decode("03 0003 617070")).hasMessage("AMF0: truncated type marker");
        assertThatThrownBy(() -> decode("03 0000 05")).hasMessage("AMF0: empty property name without object end");
    }

    @Test
    void boundsSizesCountsAndDepthBeforeAllocating() {
        // A long string announcing 4 GiB, a strict array announcing 2^31 items.
        assertThatThrownBy(() -> decode("0c ffffffff 41")).hasMessageContaining("string of 4294967295 bytes");
        assertThatThrownBy(() -> decode("0a 7fffffff")).hasMessageContaining("strict array of 2147483647 items");
        // Objects nested deeper than the limit.
        String nested = "03 0001 61 ".repeat(Amf0.MAX_DEPTH + 1) + "05";
        assertThatThrownBy(() -> decode(nested)).hasMessageContaining("nested deeper than " + Amf0.MAX_DEPTH);
        // An object with more properties than allowed.
        StringBuilder wide = new StringBuilder("03");
        for (int i = 0; i <= Amf0.MAX_ELEMENTS; i++) {
            wide.append(String.format("0002%04x05", i));
        }
        assertThatThrownBy(() -> decode(wide.toString())).hasMessageContaining("more than " + Amf0.MAX_ELEMENTS + " properties");
    }
}
