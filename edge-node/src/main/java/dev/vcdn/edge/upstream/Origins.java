package dev.vcdn.edge.upstream;

import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The origins an edge may use, in the configured order of preference: the one in use, and the
 * next once it fails (cannot be connected to, or its event stream falls silent). Any origin of
 * the cluster answers for any live channel, so an edge rides through the death of the one it
 * used. Owned by the edge's core event loop.
 */
public final class Origins {

    private static final Logger log = LoggerFactory.getLogger(Origins.class);

    private final List<URI> all;
    private int current;

    public Origins(List<URI> all) {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no origin");
        }
        this.all = List.copyOf(all);
    }

    /** The origin in use. */
    public URI current() {
        return all.get(current);
    }

    /** How many there are: a request that failed at one may try the others. */
    public int count() {
        return all.size();
    }

    /**
     * {@code origin} failed: the next one is used from now on, unless {@code origin} is no longer
     * the one in use (an earlier failure moved on already).
     */
    public void failed(URI origin, String reason) {
        if (all.size() > 1 && current().equals(origin)) {
            current = (current + 1) % all.size();
            log.warn("origin {} failed ({}); using {} now", origin, reason, current());
        }
    }
}
