package dev.vcdn.origin.recording;

import dev.vcdn.origin.packager.ChannelPackage;
import dev.vcdn.origin.packager.Recorder;
import dev.vcdn.origin.packager.Recording;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.recording.RecordingId;
import dev.vcdn.shared.recording.SegmentFile;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes recorded broadcasts into a {@link RecordingStore} as their segments complete: the same
 * bytes viewers got, with each rendition's description and init segments and a thumbnail. Each
 * rendition's writes go one after another (its init segment before the segments that need it);
 * all wait in one bounded queue of bytes. A store too slow for the queue, or one that fails,
 * stops that broadcast's recording (a log line and a metric), never the live path. Event-loop
 * owned, like the packages that call it.
 */
public final class StoreRecorder implements Recorder {

    private static final Logger log = LoggerFactory.getLogger(StoreRecorder.class);
    static final String RECORDING_FILE = "recording.json";
    static final String ENDED_FILE = "ended.json";
    static final String RENDITION_FILE = "rendition.json";
    static final String JSON = "application/json";

    private final RecordingStore store;
    private final long maxQueuedBytes;
    private final Function<ChannelName, Optional<byte[]>> thumbnails;
    private final Clock clock;
    private final Counter segments;
    private final Counter bytes;
    private final Counter stopped;
    /** The broadcasts recorded here now. */
    private final Map<RecordingId, StoreRecording> live = new HashMap<>();
    private long queuedBytes;

    /**
     * @param thumbnails the newest thumbnail of a live channel, kept as its recording's picture
     */
    public StoreRecorder(RecordingStore store, long maxQueuedBytes, Function<ChannelName, Optional<byte[]>> thumbnails,
                         Clock clock, MeterRegistry metrics) {
        this.store = store;
        this.maxQueuedBytes = maxQueuedBytes;
        this.thumbnails = thumbnails;
        this.clock = clock;
        this.segments = Counter.builder("vcdn.recording.segments").description("Segments written into recordings")
                .register(metrics);
        this.bytes = Counter.builder("vcdn.recording.bytes").baseUnit("bytes")
                .description("Bytes written into recordings (segments, init segments, thumbnails)").register(metrics);
        this.stopped = Counter.builder("vcdn.recording.stopped")
                .description("Recordings stopped before their broadcast ended: the store failed or fell behind").register(metrics);
        Gauge.builder("vcdn.recording.queued.bytes", () -> queuedBytes).baseUnit("bytes")
                .description("Recording writes waiting for the store").register(metrics);
    }

    public RecordingStore store() {
        return store;
    }

    /** Whether this origin records {@code id} now (its broadcast is live or waits for its publisher here). */
    public boolean recording(RecordingId id) {
        return live.containsKey(id);
    }

    @Override
    public Recording record(ChannelPackage broadcast) {
        return record(new RecordingId(broadcast.channel(), broadcast.streamId()));
    }

    /** Recording {@code id} begins here, or goes on here (its description, written already, is kept). */
    public Recording record(RecordingId id) {
        StoreRecording recording = new StoreRecording(id);
        live.put(id, recording);
        recording.begin();
        return recording;
    }

    /** One broadcast's recording. */
    private final class StoreRecording implements Recording {

        private final RecordingId id;
        /** Each rendition's last write: the next one starts after it. */
        private final Map<RenditionId, Future<Void>> tails = new HashMap<>();
        private final Set<String> described = new HashSet<>();
        private final Set<String> initsWritten = new HashSet<>();
        private Future<Void> started = Future.succeededFuture();
        private boolean stoppedEarly;
        private boolean thumbnailWritten;
        private Instant firstMedia;
        private Instant lastMedia;

        StoreRecording(RecordingId id) {
            this.id = id;
        }

        /** Writes its description, unless it is there already (the broadcast goes on from another origin). */
        void begin() {
            String key = id.storePrefix() + RECORDING_FILE;
            JsonObject description = new JsonObject().put("id", id.toString()).put("channel", id.channel().value())
                    .put("startedAt", clock.instant().toString());
            started = store.get(key).compose(existing -> existing.isPresent() ? Future.succeededFuture()
                    : write(key, description.toBuffer(), JSON));
            started.onFailure(error -> stop("its description could not be written: " + error.getMessage()));
        }

        @Override
        public void segment(RenditionInfo rendition, CompletedSegment segment) {
            if (stoppedEarly) {
                return;
            }
            long size = segment.bytes().length() + (initsWritten.contains(initKey(rendition, segment)) ? 0 : segment.init().length());
            if (queuedBytes + size > maxQueuedBytes) {
                stop("the store is behind by more than " + maxQueuedBytes + " bytes");
                return;
            }
            Instant end = segment.programDateTime().plusMillis(segment.durationMillis());
            firstMedia = firstMedia == null || segment.programDateTime().isBefore(firstMedia) ? segment.programDateTime() : firstMedia;
            lastMedia = lastMedia == null || end.isAfter(lastMedia) ? end : lastMedia;
            String folder = id.storePrefix() + rendition.id() + "/";
            Future<Void> tail = tails.getOrDefault(rendition.id(), started);
            if (described.add(rendition.id().value())) {
                JsonObject json = describe(rendition, segment);
                tail = tail.compose(ignored -> write(folder + RENDITION_FILE, json.toBuffer(), JSON));
            }
            String initKey = initKey(rendition, segment);
            if (initsWritten.add(initKey)) {
                Buffer init = segment.init();
                tail = tail.compose(ignored -> write(initKey, init, "video/mp4"));
            }
            String segmentKey = folder + new SegmentFile(segment.msn(), segment.programDateTime(), segment.durationMillis(),
                    segment.discontinuity()).name();
            Buffer media = segment.bytes();
            queuedBytes += size;
            tail = tail.compose(ignored -> write(segmentKey, media, "video/mp4")).onComplete(done -> {
                queuedBytes -= size;
                if (done.succeeded()) {
                    segments.increment();
                } else {
                    stop("a segment could not be written: " + done.cause().getMessage());
                }
            });
            tails.put(rendition.id(), tail);
            if (!thumbnailWritten && rendition.kind() == MediaKind.VIDEO) {
                thumbnails.apply(id.channel()).ifPresent(jpeg -> {
                    thumbnailWritten = true;
                    write(id.storePrefix() + "thumb.jpg", Buffer.buffer(jpeg), "image/jpeg");
                });
            }
        }

        private String initKey(RenditionInfo rendition, CompletedSegment segment) {
            return id.storePrefix() + rendition.id() + "/" + segment.map();
        }

        /** What the multivariant playlist of the recording says of the rendition. */
        private JsonObject describe(RenditionInfo rendition, CompletedSegment first) {
            long measured = first.bytes().length() * 8_000L / Math.max(1, first.durationMillis());
            long average = rendition.bitrateKbps() > 0 ? rendition.bitrateKbps() * 1000L : measured;
            long peak = rendition.maxBitrateKbps() > 0 ? rendition.maxBitrateKbps() * 1000L : average * 3 / 2;
            return new JsonObject().put("id", rendition.id().value()).put("kind", rendition.kind().name().toLowerCase(Locale.ROOT))
                    .put("codecs", rendition.codecString()).put("width", rendition.width()).put("height", rendition.height())
                    .put("fps", rendition.fps()).put("averageBandwidth", average).put("bandwidth", peak);
        }

        @Override
        public void ended(Instant at) {
            if (stoppedEarly) {
                return;
            }
            finish(new JsonObject().put("endedAt", at.toString()).put("durationSeconds", mediaSeconds()));
        }

        /**
         * Its end is written once its last writes are done (a reader never sees an end before the
         * segments it covers), and only then does it stop counting as recorded here: until then a
         * delete is refused.
         */
        private void finish(JsonObject end) {
            Future.join(tails.values().stream().map(tail -> (Future<?>) tail).toList())
                    .transform(ignored -> write(id.storePrefix() + ENDED_FILE, end.toBuffer(), JSON))
                    .onComplete(done -> {
                        live.remove(id, this);
                        if (done.failed()) {
                            log.warn("recording {}: its end could not be written: {}", id, done.cause().getMessage());
                        }
                    });
        }

        /** From its first media to its last, as recorded. */
        private double mediaSeconds() {
            return firstMedia == null ? 0 : (lastMedia.toEpochMilli() - firstMedia.toEpochMilli()) / 1000.0;
        }

        @Override
        public void left() {
            live.remove(id, this);
        }

        private void stop(String reason) {
            if (stoppedEarly) {
                return;
            }
            stoppedEarly = true;
            stopped.increment();
            log.error("recording {} stopped, live viewers go on: {}", id, reason);
            finish(new JsonObject().put("endedAt", clock.instant().toString()).put("incomplete", reason)
                    .put("durationSeconds", mediaSeconds()));
        }
    }

    private Future<Void> write(String key, Buffer body, String contentType) {
        return store.put(key, body, contentType).onSuccess(ignored -> bytes.increment(body.length()));
    }
}
