package dev.vcdn.origin.ingest.rtmp;

/** Well-formed media we do not take (MP3 audio, VP6 video, multitrack...): the publish is refused with this text. */
public final class UnsupportedMediaException extends RuntimeException {

    public UnsupportedMediaException(String message) {
        super(message);
    }
}
