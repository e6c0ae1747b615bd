package dev.vcdn.shared.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Membership of a Hazelcast cluster (the origins, or the edges of one region).
 *
 * @param name           cluster name; nodes with another name never join ({@code cluster.name})
 * @param host           address this node binds and announces to the others ({@code cluster.host})
 * @param port           Hazelcast member port ({@code cluster.port}, {@code VCDN_CLUSTER_PORT})
 * @param members        {@code host[:port]} of the other members, TCP-IP discovery, no multicast
 *                       ({@code cluster.members}, {@code VCDN_CLUSTER_MEMBERS}, comma-separated)
 * @param heartbeat      how often members ping each other ({@code cluster.heartbeat})
 * @param failureTimeout a member silent this long is declared dead and its channels move
 *                       ({@code cluster.failure-timeout})
 * @param kubernetesServiceDns in Kubernetes: the headless Service whose DNS lists the members
 *                       ({@code cluster.kubernetes-service-dns}, e.g. {@code origin-hz.vcdn.svc.cluster.local});
 *                       replaces the member list when set
 */
public record ClusterConfig(String name, String host, int port, List<String> members, Duration heartbeat,
                            Duration failureTimeout, Optional<String> kubernetesServiceDns) {

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(kubernetesServiceDns, "kubernetesServiceDns");
        members = List.copyOf(members);
        if (failureTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("cluster.failure-timeout must be at least twice cluster.heartbeat");
        }
    }

    public static ClusterConfig read(ConfigSource source, String defaultName, int defaultPort) {
        String name = source.string("cluster.name", defaultName);
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException("cluster.name", "'" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        Duration heartbeat = source.duration("cluster.heartbeat", Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        Duration failureTimeout = source.duration("cluster.failure-timeout", Duration.ofSeconds(8),
                Duration.ofSeconds(1), Duration.ofMinutes(5));
        if (failureTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new ConfigException("cluster.failure-timeout", failureTimeout + " must be at least twice cluster.heartbeat");
        }
        return new ClusterConfig(
                name,
                source.string("cluster.host", "127.0.0.1"),
                source.integer("cluster.port", defaultPort, 1, 65_535),
                source.hostPorts("cluster.members", List.of()),
                heartbeat,
                failureTimeout,
                source.optionalString("cluster.kubernetes-service-dns"));
    }
}
