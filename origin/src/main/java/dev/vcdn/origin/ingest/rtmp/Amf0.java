package dev.vcdn.origin.ingest.rtmp;

import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfArray;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfBoolean;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfDate;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfNull;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfNumber;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfObject;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfString;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfUndefined;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0 decoding and encoding. Decoding is bounded in depth, element counts and string sizes, and
 * refuses the AMF3 switch, typed objects, references and XML.
 */
public final class Amf0 {

    static final int NUMBER = 0x00;
    static final int BOOLEAN = 0x01;
    static final int STRING = 0x02;
    static final int OBJECT = 0x03;
    static final int NULL = 0x05;
    static final int UNDEFINED = 0x06;
    static final int REFERENCE = 0x07;
    static final int ECMA_ARRAY = 0x08;
    static final int OBJECT_END = 0x09;
    static final int STRICT_ARRAY = 0x0A;
    static final int DATE = 0x0B;
    static final int LONG_STRING = 0x0C;
    static final int XML = 0x0F;
    static final int TYPED_OBJECT = 0x10;
    static final int AVMPLUS = 0x11;

    /** Nesting of objects and arrays; real commands nest two or three levels. */
    public static final int MAX_DEPTH = 8;
    /** Properties of one object or items of one array. */
    public static final int MAX_ELEMENTS = 1024;
    /** Bytes of one string (a long string could announce 4 GiB). */
    public static final int MAX_STRING_BYTES = 64 * 1024;
    /** Values in one decode call, nested ones included. */
    public static final int MAX_VALUES = 4096;

    private Amf0() {
    }

    /** Decodes every value in {@code in} (a command or data message body). */
    public static List<AmfValue> decodeAll(ByteBuf in) {
        Decoder decoder = new Decoder(in);
        List<AmfValue> values = new ArrayList<>();
        while (in.isReadable()) {
            values.add(decoder.value(0));
        }
        return values;
    }

    private static final class Decoder {
        private final ByteBuf in;
        private int values;

        Decoder(ByteBuf in) {
            this.in = in;
        }

        AmfValue value(int depth) {
            if (++values > MAX_VALUES) {
                throw new RtmpProtocolException("AMF0: more than " + MAX_VALUES + " values in one message");
            }
            int marker = readUnsignedByte("type marker");
            return switch (marker) {
                case NUMBER -> new AmfNumber(readDouble());
                case BOOLEAN -> new AmfBoolean(readUnsignedByte("boolean") != 0);
                case STRING -> new AmfString(readString(readUnsignedShort()));
                case LONG_STRING -> new AmfString(readString(readLength()));
                case OBJECT -> new AmfObject(properties(depth, false), false);
                case ECMA_ARRAY -> {
                    require(4, "ECMA array count");
                    in.skipBytes(4); // an approximate count only; the end marker is what counts
                    yield new AmfObject(properties(depth, true), true);
                }
                case STRICT_ARRAY -> new AmfArray(items(depth));
                case NULL -> AmfNull.INSTANCE;
                case UNDEFINED -> AmfUndefined.INSTANCE;
                case DATE -> {
                    double millis = readDouble();
                    require(2, "date time zone");
                    in.skipBytes(2);
                    yield new AmfDate(millis);
                }
                case AVMPLUS -> throw new RtmpProtocolException("AMF0: AMF3 values are not accepted");
                case TYPED_OBJECT -> throw new RtmpProtocolException("AMF0: typed objects are not accepted");
                case REFERENCE -> throw new RtmpProtocolException("AMF0: references are not accepted");
                case XML -> throw new RtmpProtocolException("AMF0: XML documents are not accepted");
                default -> throw new RtmpProtocolException("AMF0: unknown type marker 0x" + Integer.toHexString(marker));
            };
        }

        private Map<String, AmfValue> properties(int depth, boolean ecmaArray) {
            checkDepth(depth);
            Map<String, AmfValue> properties = new LinkedHashMap<>();
            int count = 0;
            while (true) {
                int keyLength = readUnsignedShort();
                if (keyLength == 0) {
                    int end = readUnsignedByte("object end");
                    if (end == OBJECT_END) {
                        return properties;
                    }
                    throw new RtmpProtocolException("AMF0: empty property name without object end");
                }
                if (++count > MAX_ELEMENTS) {
                    throw new RtmpProtocolException("AMF0: more than " + MAX_ELEMENTS + " properties in "
                            + (ecmaArray ? "an ECMA array" : "an object"));
                }
                String key = readString(keyLength);
                properties.put(key, value(depth + 1));
            }
        }

        private List<AmfValue> items(int depth) {
            checkDepth(depth);
            long count = readLength();
            if (count > MAX_ELEMENTS) {
                throw new RtmpProtocolException("AMF0: strict array of " + count + " items, limit " + MAX_ELEMENTS);
            }
            List<AmfValue> items = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                items.add(value(depth + 1));
            }
            return items;
        }

        private void checkDepth(int depth) {
            if (depth >= MAX_DEPTH) {
                throw new RtmpProtocolException("AMF0: nested deeper than " + MAX_DEPTH);
            }
        }

        private String readString(long length) {
            if (length > MAX_STRING_BYTES) {
                throw new RtmpProtocolException("AMF0: string of " + length + " bytes, limit " + MAX_STRING_BYTES);
            }
            require((int) length, "string");
            String value = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
            in.skipBytes((int) length);
            return value;
        }

        private double readDouble() {
            require(8, "number");
            return in.readDouble();
        }

        private int readUnsignedShort() {
            require(2, "length");
            return in.readUnsignedShort();
        }

        private long readLength() {
            require(4, "length");
            return in.readUnsignedInt();
        }

        private int readUnsignedByte(String what) {
            require(1, what);
            return in.readUnsignedByte();
        }

        private void require(int bytes, String what) {
            if (in.readableBytes() < bytes) {
                throw new RtmpProtocolException("AMF0: truncated " + what);
            }
        }
    }

    public static void encode(AmfValue value, ByteBuf out) {
        if (value instanceof AmfNumber n) {
            out.writeByte(NUMBER).writeDouble(n.value());
        } else if (value instanceof AmfBoolean b) {
            out.writeByte(BOOLEAN).writeByte(b.value() ? 1 : 0);
        } else if (value instanceof AmfString s) {
            byte[] bytes = s.value().getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= 0xFFFF) {
                out.writeByte(STRING).writeShort(bytes.length).writeBytes(bytes);
            } else {
                out.writeByte(LONG_STRING).writeInt(bytes.length).writeBytes(bytes);
            }
        } else if (value instanceof AmfObject o) {
            if (o.ecmaArray()) {
                out.writeByte(ECMA_ARRAY).writeInt(o.properties().size());
            } else {
                out.writeByte(OBJECT);
            }
            o.properties().forEach((key, property) -> {
                byte[] name = key.getBytes(StandardCharsets.UTF_8);
                out.writeShort(name.length).writeBytes(name);
                encode(property, out);
            });
            out.writeShort(0).writeByte(OBJECT_END);
        } else if (value instanceof AmfArray a) {
            out.writeByte(STRICT_ARRAY).writeInt(a.items().size());
            a.items().forEach(item -> encode(item, out));
        } else if (value instanceof AmfDate d) {
            out.writeByte(DATE).writeDouble(d.epochMillis()).writeShort(0);
        } else if (value == AmfNull.INSTANCE) {
            out.writeByte(NULL);
        } else {
            out.writeByte(UNDEFINED);
        }
    }
}
