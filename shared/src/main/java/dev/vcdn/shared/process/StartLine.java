package dev.vcdn.shared.process;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the one line a process logs when it has started ({@code ... started in 812 ms:
 * http=127.0.0.1:8080, rtmp=127.0.0.1:1935, cluster=...}), for whoever runs it as a child
 * process and needs the ports it bound.
 */
public final class StartLine {

    private static final Pattern STARTED = Pattern.compile(" started in \\d+ ms: (.*)$");
    private static final Pattern ENDPOINT = Pattern.compile("(\\w[\\w-]*)=\\S+:(\\d+)");

    private StartLine() {
    }

    /** The endpoints named in {@code line} (e.g. {@code http -> 8080}) when it is the start line. */
    public static Optional<Map<String, Integer>> endpoints(String line) {
        Matcher started = STARTED.matcher(line);
        if (!started.find()) {
            return Optional.empty();
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        Matcher endpoint = ENDPOINT.matcher(started.group(1));
        while (endpoint.find()) {
            ports.put(endpoint.group(1), Integer.parseInt(endpoint.group(2)));
        }
        return Optional.of(ports);
    }
}
