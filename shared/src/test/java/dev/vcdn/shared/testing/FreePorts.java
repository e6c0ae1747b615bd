package dev.vcdn.shared.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For servers that cannot bind port 0 themselves (Hazelcast members announce their port up front).
 *
 * <p>The ports handed out lie below the kernel's ephemeral range: a port taken from that range and released
 * again can be handed by the kernel to any outgoing connection or port-0 server before the member binds it
 * (a CI run lost a Hazelcast member that way). Below the range only these picks compete, and within one JVM
 * they never repeat until the whole band has been used; a random start keeps parallel JVMs apart.
 */
public final class FreePorts {

    private static final int BAND_START = 20_000;
    private static final int BAND_END = bandEnd();
    private static final AtomicInteger NEXT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(BAND_END - BAND_START));

    private FreePorts() {
    }

    public static int next() {
        int bandSize = BAND_END - BAND_START;
        for (int tried = 0; tried < bandSize; tried++) {
            int port = BAND_START + Math.floorMod(NEXT.getAndIncrement(), bandSize);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + BAND_START + " and " + BAND_END);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first ephemeral port (exclusive end of the band), 32768 where the kernel does not say. */
    private static int bandEnd() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int firstEphemeral = Integer.parseInt(range.split("\\s+")[0]);
            return firstEphemeral > BAND_START + 1_000 ? firstEphemeral : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
