package dev.vcdn.origin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.Payload;
import dev.vcdn.shared.media.TimeBase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class PacketQueueTest {

    private static MediaPacket frame(int n, int size) {
        return MediaPacket.frame(Codec.H264, n, n, TimeBase.MILLISECONDS, false, Payload.copyOf(new byte[size]));
    }

    @Test
    void refusesWhenFullInPacketsOrBytes() throws Exception {
        PacketQueue byCount = new PacketQueue(2, 1 << 20);
        assertThat(byCount.offer(frame(1, 10))).isTrue();
        assertThat(byCount.offer(frame(2, 10))).isTrue();
        assertThat(byCount.offer(frame(3, 10))).isFalse();

        PacketQueue byBytes = new PacketQueue(100, 1000);
        assertThat(byBytes.offer(frame(1, 600))).isTrue();
        assertThat(byBytes.offer(frame(2, 600))).isFalse();
        assertThat(byBytes.take(0)).map(MediaPacket::dts).contains(1L);
        assertThat(byBytes.offer(frame(2, 600))).isTrue();
    }

    @Test
    void theProducerIsToldOnItsOwnContextWhenThereIsRoomAgain(Vertx vertx, VertxTestContext test) {
        PacketQueue queue = new PacketQueue(4, 1 << 20);
        vertx.runOnContext(ignored -> {
            for (int i = 0; i < 4; i++) {
                queue.offer(frame(i, 10));
            }
            var producerContext = vertx.getOrCreateContext();
            queue.whenWritable(() -> test.verify(() -> {
                assertThat(vertx.getOrCreateContext()).isSameAs(producerContext);
                assertThat(queue.size()).isLessThanOrEqualTo(2);
                test.completeNow();
            }));
            new Thread(() -> {
                try {
                    queue.take(1000);
                    queue.take(1000);
                } catch (InterruptedException e) {
                    test.failNow(e);
                }
            }).start();
        });
    }

    @Test
    void theConsumerDrainsEverythingAfterClose() throws Exception {
        PacketQueue queue = new PacketQueue(10, 1 << 20);
        queue.offer(frame(1, 1));
        queue.offer(frame(2, 1));
        queue.close();
        List<Long> drained = new ArrayList<>();
        while (!queue.isClosedAndEmpty()) {
            Optional<MediaPacket> packet = queue.take(10);
            packet.ifPresent(p -> drained.add(p.dts()));
        }
        assertThat(drained).containsExactly(1L, 2L);
        assertThat(queue.take(10)).isEmpty();
    }
}
