package dev.vcdn.origin.registry;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

/**
 * The origins alive in the cluster, as Hazelcast sees them: what a node wrote to the shared maps
 * no longer stands once it has left, whatever time its entries have left to live. Lets a
 * publisher that returns to another origin after its first one died go on at once, instead of
 * being refused until the dead node's entries expire.
 */
public interface ClusterMembers {

    /** This node's member id, written into what it records. */
    String self();

    /** Whether {@code member} is still in the cluster. Local, no network round trip. */
    boolean alive(String member);

    /** The members of {@code vertx}'s cluster; a node not clustered is alone. */
    static ClusterMembers of(Vertx vertx) {
        ClusterManager manager = vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
        if (manager == null) {
            return alone();
        }
        return new ClusterMembers() {
            @Override
            public String self() {
                return manager.getNodeId();
            }

            @Override
            public boolean alive(String member) {
                return manager.getNodes().contains(member);
            }
        };
    }

    /** A node without a cluster: every entry it reads is its own. */
    static ClusterMembers alone() {
        return new ClusterMembers() {
            @Override
            public String self() {
                return "local";
            }

            @Override
            public boolean alive(String member) {
                return true;
            }
        };
    }
}
