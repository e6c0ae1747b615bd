package dev.vcdn.origin.ingest.rtmp;

/** RTMP message type ids (RTMP specification 1.0, sections 5.4 and 7.1). */
public final class MessageType {

    public static final int SET_CHUNK_SIZE = 1;
    public static final int ABORT = 2;
    public static final int ACKNOWLEDGEMENT = 3;
    public static final int USER_CONTROL = 4;
    public static final int WINDOW_ACK_SIZE = 5;
    public static final int SET_PEER_BANDWIDTH = 6;
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int AMF3_DATA = 15;
    public static final int AMF3_SHARED_OBJECT = 16;
    public static final int AMF3_COMMAND = 17;
    public static final int AMF0_DATA = 18;
    public static final int AMF0_SHARED_OBJECT = 19;
    public static final int AMF0_COMMAND = 20;
    public static final int AGGREGATE = 22;

    private MessageType() {
    }

    /** Commands, metadata and control: small by nature, so they get a much lower size limit than media. */
    public static boolean isMedia(int typeId) {
        return typeId == AUDIO || typeId == VIDEO || typeId == AGGREGATE;
    }
}
