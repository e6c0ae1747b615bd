package dev.vcdn.origin.auth;

import dev.vcdn.shared.access.EncodedAccessPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The access policy as the auth service hands it out, encoded once and kept until an admin
 * change makes it stale: every origin polls it twice a second, and each poll costs a look at a
 * field (a 304 for the ETag they hold), not a database query. Event-loop owned.
 */
final class AccessDocument {

    private final Vertx vertx;
    private final AccessStore store;
    private long generation;
    private EncodedAccessPolicy current;

    AccessDocument(Vertx vertx, AccessStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    /** Something the policy is made of changed: the next read builds it again. */
    void changed() {
        generation++;
        current = null;
    }

    Future<EncodedAccessPolicy> get() {
        if (current != null) {
            return Future.succeededFuture(current);
        }
        long building = generation;
        return vertx.executeBlocking(store::policy, false).map(policy -> {
            EncodedAccessPolicy encoded = EncodedAccessPolicy.of(policy);
            if (building == generation) {
                current = encoded;
            }
            return encoded;
        });
    }
}
