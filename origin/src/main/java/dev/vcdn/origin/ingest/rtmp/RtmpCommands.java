package dev.vcdn.origin.ingest.rtmp;

import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfNull;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfNumber;
import dev.vcdn.origin.ingest.rtmp.AmfValue.AmfObject;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The messages the server sends: protocol control, user control and AMF0 command replies. */
final class RtmpCommands {

    static final int CONTROL_CHUNK_STREAM = 2;
    static final int COMMAND_CHUNK_STREAM = 3;
    static final int USER_CONTROL_STREAM_BEGIN = 0;
    static final int USER_CONTROL_PING_REQUEST = 6;
    static final int USER_CONTROL_PING_RESPONSE = 7;

    private RtmpCommands() {
    }

    static RtmpMessage setChunkSize(int size) {
        return control(MessageType.SET_CHUNK_SIZE, int32(size));
    }

    static RtmpMessage windowAckSize(long size) {
        return control(MessageType.WINDOW_ACK_SIZE, int32((int) size));
    }

    static RtmpMessage acknowledgement(long bytesReceived) {
        return control(MessageType.ACKNOWLEDGEMENT, int32((int) bytesReceived));
    }

    /** Limit type 2, dynamic. */
    static RtmpMessage setPeerBandwidth(long size) {
        byte[] payload = new byte[5];
        System.arraycopy(int32((int) size), 0, payload, 0, 4);
        payload[4] = 2;
        return control(MessageType.SET_PEER_BANDWIDTH, payload);
    }

    static RtmpMessage userControl(int event, int value) {
        byte[] payload = new byte[6];
        payload[0] = (byte) (event >>> 8);
        payload[1] = (byte) event;
        System.arraycopy(int32(value), 0, payload, 2, 4);
        return control(MessageType.USER_CONTROL, payload);
    }

    static RtmpMessage command(int messageStreamId, String name, double transactionId, AmfValue... values) {
        ByteBuf out = Unpooled.buffer();
        Amf0.encode(AmfValue.string(name), out);
        Amf0.encode(AmfValue.number(transactionId), out);
        for (AmfValue value : values) {
            Amf0.encode(value, out);
        }
        byte[] payload = new byte[out.readableBytes()];
        out.readBytes(payload);
        return new RtmpMessage(COMMAND_CHUNK_STREAM, MessageType.AMF0_COMMAND, 0, messageStreamId, payload);
    }

    /** {@code onStatus} as FMS sends it: level, code, description. */
    static RtmpMessage onStatus(int messageStreamId, String level, String code, String description) {
        Map<String, AmfValue> information = new LinkedHashMap<>();
        information.put("level", AmfValue.string(level));
        information.put("code", AmfValue.string(code));
        information.put("description", AmfValue.string(description));
        return command(messageStreamId, "onStatus", 0, AmfNull.INSTANCE, AmfObject.of(information));
    }

    static RtmpMessage connectResult(double transactionId, List<String> fourCcs) {
        Map<String, AmfValue> properties = new LinkedHashMap<>();
        properties.put("fmsVer", AmfValue.string("FMS/3,5,7,7009"));
        properties.put("capabilities", new AmfNumber(31));
        if (!fourCcs.isEmpty()) {
            properties.put("fourCcList", new AmfValue.AmfArray(fourCcs.stream().map(s -> (AmfValue) AmfValue.string(s)).toList()));
        }
        Map<String, AmfValue> information = new LinkedHashMap<>();
        information.put("level", AmfValue.string("status"));
        information.put("code", AmfValue.string("NetConnection.Connect.Success"));
        information.put("description", AmfValue.string("Connection succeeded."));
        information.put("objectEncoding", new AmfNumber(0));
        return command(0, "_result", transactionId, AmfObject.of(properties), AmfObject.of(information));
    }

    private static RtmpMessage control(int type, byte[] payload) {
        return new RtmpMessage(CONTROL_CHUNK_STREAM, type, 0, 0, payload);
    }

    private static byte[] int32(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}
