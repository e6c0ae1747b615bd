package dev.vcdn.shared.tls;

import java.nio.file.Path;

/** A certificate or key file a server cannot use; the message names the file and what is wrong. */
public final class TlsFileException extends Exception {

    private final Path file;

    public TlsFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
