package dev.vcdn.world;

import java.nio.file.Path;

/** Where the process jars are, from the repository root, and the java that runs them. */
final class Jars {

    static final Path ORIGIN = Path.of("origin/target/origin.jar");
    static final Path EDGE = Path.of("edge-node/target/edge-node.jar");
    static final Path GEO = Path.of("geo-config/target/geo-config.jar");

    private Jars() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
