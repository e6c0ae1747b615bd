package dev.vcdn.world;

/** One region of the demo world: its edge's loopback address and its own Hazelcast cluster. */
record Region(String id, String host, int clusterPort) {

    String clusterName() {
        return "vcdn-world-edge-" + id;
    }
}
