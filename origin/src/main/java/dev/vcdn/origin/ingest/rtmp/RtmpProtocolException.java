package dev.vcdn.origin.ingest.rtmp;

/** The peer broke the protocol or a limit; the connection is closed and this message logged once. */
public final class RtmpProtocolException extends RuntimeException {

    public RtmpProtocolException(String message) {
        super(message);
    }
}
