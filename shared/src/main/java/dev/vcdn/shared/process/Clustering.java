package dev.vcdn.shared.process;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.vcdn.shared.config.ClusterConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/** Turns our cluster settings into a Hazelcast member config for the Vert.x cluster manager. */
public final class Clustering {

    private Clustering() {
    }

    public static Config hazelcastConfig(ClusterConfig cluster) {
        // Starts from Vert.x's own config so the maps and multimaps it relies on keep their settings.
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(cluster.name());
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // We leave the cluster from our own shutdown hook, after the servers are closed.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // The default (60 s without heartbeat) keeps a dead edge in DNS for a minute.
        config.setProperty("hazelcast.heartbeat.interval.seconds", seconds(cluster.heartbeat().toMillis()));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", seconds(cluster.failureTimeout().toMillis()));
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        // A graceful leave waits for partition migration: 600 s by default, far beyond a SIGTERM grace period.
        config.setProperty("hazelcast.graceful.shutdown.max.wait", "5");
        config.setProperty("hazelcast.local.localAddress", cluster.host());
        config.setProperty("hazelcast.socket.bind.any", "false");

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(cluster.port()).setPortAutoIncrement(false);
        network.setPublicAddress(cluster.host() + ":" + cluster.port());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (cluster.kubernetesServiceDns().isPresent()) {
            // The members are the pods behind a headless Service, found by its DNS.
            join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", cluster.kubernetesServiceDns().get())
                    .setProperty("service-port", Integer.toString(cluster.port()));
        } else {
            join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
        }
        return config;
    }

    private static String seconds(long millis) {
        return Long.toString(Math.max(1, (millis + 999) / 1000));
    }
}
