package dev.vcdn.origin.ingest;

import dev.vcdn.origin.pipeline.MediaSink;
import dev.vcdn.origin.pipeline.PacketQueue;
import dev.vcdn.origin.pipeline.PipelineFactory;
import dev.vcdn.origin.pipeline.PipelineListener;

import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.shared.media.MediaPacket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A test pipeline: keeps every packet of every stream, in order, on its own thread like a real one. */
public final class RecordingPipeline implements PipelineFactory {

    public record Recording(PublishGrant grant, List<MediaPacket> packets, CompletableFuture<Void> ended) {
    }

    private final List<Recording> recordings = Collections.synchronizedList(new ArrayList<>());
    private volatile int failAfter = Integer.MAX_VALUE;
    private volatile int startFailures;

    /** From now on each stream's pipeline fails (like a transcoder error) after {@code packets} packets. */
    public void failAfter(int packets) {
        failAfter = packets;
    }

    /** The next {@code streams} pipelines fail to start (like threads or native memory that cannot be had). */
    public void failToStart(int streams) {
        startFailures = streams;
    }

    @Override
    public MediaSink start(PublishGrant grant, PipelineListener listener) {
        if (startFailures > 0) {
            startFailures--;
            throw new IllegalStateException("test: no pipeline for " + grant.channel());
        }
        PacketQueue queue = new PacketQueue(256, 16L << 20);
        Recording recording = new Recording(grant, Collections.synchronizedList(new ArrayList<>()), new CompletableFuture<>());
        recordings.add(recording);
        Thread consumer = new Thread(() -> {
            try {
                while (!queue.isClosedAndEmpty()) {
                    Optional<MediaPacket> packet = queue.take(100);
                    packet.ifPresent(recording.packets()::add);
                    if (recording.packets().size() >= failAfter) {
                        queue.close();
                        listener.failed("test failure after " + failAfter + " packets");
                        break;
                    }
                }
                recording.ended().complete(null);
            } catch (InterruptedException e) {
                recording.ended().completeExceptionally(e);
            }
        }, "recording-" + grant.channel());
        consumer.setDaemon(true);
        consumer.start();
        return queue;
    }

    public List<Recording> recordings() {
        synchronized (recordings) {
            return List.copyOf(recordings);
        }
    }
}
