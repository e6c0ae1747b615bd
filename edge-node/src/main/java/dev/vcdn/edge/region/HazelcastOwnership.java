package dev.vcdn.edge.region;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.vcdn.shared.stream.ChannelName;
import java.util.Optional;
import java.util.UUID;

/**
 * Ownership by Hazelcast partition: a channel belongs to the member that owns the partition of
 * its name, so every node computes the same owner without asking, and ownership moves with the
 * partitions when a member joins or leaves. Reads the local partition table; never blocks.
 */
public final class HazelcastOwnership implements ChannelOwnership {

    private final HazelcastInstance hazelcast;
    private final String self;

    public HazelcastOwnership(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.self = hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public Optional<String> ownerOf(ChannelName channel) {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return Optional.empty();
        }
        Member owner = hazelcast.getPartitionService().getPartition(channel.value()).getOwner();
        return Optional.ofNullable(owner).map(Member::getUuid).map(UUID::toString);
    }

    /** Calls {@code changed} (on a Hazelcast thread) whenever a member joins or leaves. */
    public UUID onMembershipChange(Runnable changed) {
        return hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                changed.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                changed.run();
            }
        });
    }
}
