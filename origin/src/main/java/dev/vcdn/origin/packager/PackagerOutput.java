package dev.vcdn.origin.packager;

import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.RenditionId;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publish's ladder into LL-HLS: each rendition is muxed and cut on its producer's thread; the
 * finished parts go to the {@link Packages} event loop, which serves them. The publish joins its
 * channel's broadcast there: a new one, or the one its publisher left within the reconnect grace,
 * whose renditions it continues. Once a newer publish has taken the broadcast over, nothing this
 * one still delivers changes it.
 */
public final class PackagerOutput implements LadderOutput {

    private static final Logger log = LoggerFactory.getLogger(PackagerOutput.class);

    private final Packages packages;
    private final PublishGrant grant;
    private final PackagingSettings settings;
    private final Map<RenditionId, Produced> produced = new ConcurrentHashMap<>();
    /** Segment boundaries a rendition's producer passed before it could declare it (its encoder did not open). */
    private final Map<RenditionId, Long> boundariesBeforeDeclared = new ConcurrentHashMap<>();
    private volatile Instant wallClockOfZero;

    // Event loop only.
    /** The broadcast this publish goes into, once the packages have found or started it. */
    private Future<ChannelPackage> opened;
    private ChannelPackage broadcast;
    private int generation;
    private final Map<RenditionId, RenditionWindow> windows = new HashMap<>();

    /**
     * A rendition as its producer's thread sees it. {@code broken} once its muxer failed (or
     * could not be made: then there is no packager): the rendition stays down for the rest of
     * the stream.
     */
    private static final class Produced {
        final RenditionInfo info;
        final RenditionPackager packager;
        boolean broken;

        Produced(RenditionInfo info, RenditionPackager packager) {
            this.info = info;
            this.packager = packager;
            this.broken = packager == null;
        }
    }

    public PackagerOutput(Packages packages, PublishGrant grant) {
        this.packages = packages;
        this.grant = grant;
        this.settings = grant.features().lowLatency() ? packages.lowLatencySettings() : packages.settings();
        // Posted first: every change posted after it finds the broadcast opening, and waits for it in order.
        packages.context().runOnContext(ignored -> opened = packages.publishStarted(grant.channel(), grant.streamId(), settings)
                .onSuccess(started -> {
                    broadcast = started;
                    generation = started.generation();
                    if (grant.features().recording()) {
                        packages.record(started);
                    }
                }));
    }

    /** Runs {@code change} on the event loop while this publish owns its broadcast (a newer one may have taken it over). */
    private void onLoop(Runnable change) {
        packages.context().runOnContext(ignored -> opened.onSuccess(started -> {
            if (!broadcast.ended() && broadcast.generation() == generation) {
                change.run();
            }
        }));
    }

    /** The same for a change to one rendition's window, unless that has ended (a late producer's last parts). */
    private void onWindow(RenditionId rendition, Consumer<RenditionWindow> change) {
        onLoop(() -> {
            RenditionWindow window = windows.get(rendition);
            if (window != null && !window.ended()) {
                change.accept(window);
            }
        });
    }

    @Override
    public boolean rendition(RenditionInfo info) {
        Produced existing = produced.get(info.id());
        if (existing != null) {
            return resume(existing, info);
        }
        Fmp4Muxer muxer;
        try {
            muxer = new Fmp4Muxer(info);
        } catch (RuntimeException e) {
            // A configuration the muxer refuses costs this rendition, not the stream.
            log.error("rendition not packaged: channel={} stream={} rendition={} error={}", grant.channel(), grant.streamId(),
                    info.id(), e.toString(), e);
            produced.put(info.id(), new Produced(info, null));
            return false;
        }
        RenditionId id = info.id();
        PackageEvents events = packages.events();
        RenditionPackager packager = new RenditionPackager(info, muxer, settings, new RenditionPackager.Sink() {
            @Override
            public void part(long msn, int index, byte[] bytes, long durationMillis, boolean independent, Instant start,
                             boolean lastOfSegment) {
                onWindow(id, window -> {
                    long playlistMsn = window.playlistMsn(msn);
                    window.addPart(playlistMsn, index, bytes, durationMillis, independent, start, lastOfSegment);
                    window.segment(playlistMsn).ifPresent(segment -> packages.partServed(segment.mediaEnd()));
                    if (window.announceInit()) {
                        broadcast.initOf(id).ifPresent(events::publish); // before the first part that needs it
                    }
                    events.publish(new OriginEvent.PartReady(broadcast.channel(), broadcast.streamId(), id, playlistMsn, index,
                            independent, durationMillis, start, bytes));
                    if (lastOfSegment) {
                        window.segment(playlistMsn).ifPresent(segment -> events.publish(new OriginEvent.SegmentComplete(
                                broadcast.channel(), broadcast.streamId(), id, playlistMsn, segment.durationMillis)));
                    }
                    publishPlaylist(id);
                    packages.progressed(broadcast);
                });
            }

            @Override
            public void gap(long msn, int index, long durationMillis, Instant start, boolean lastOfSegment) {
                onWindow(id, window -> {
                    window.addGap(window.playlistMsn(msn), index, durationMillis, start, lastOfSegment);
                    publishPlaylist(id);
                    packages.progressed(broadcast);
                });
            }
        }, clockOrigin(), boundariesBeforeDeclared.getOrDefault(id, 0L));
        produced.put(id, new Produced(info, packager));
        log.info("rendition ready: channel={} stream={} rendition={} codecs={} size={}x{} fps={} kbps={}", grant.channel(),
                grant.streamId(), id, info.codecString(), info.width(), info.height(), info.fps(), info.bitrateKbps());
        byte[] initSegment = muxer.initSegment();
        onLoop(() -> windows.put(id, broadcast.add(info, initSegment)));
        return true;
    }

    /**
     * A rendition back after {@link #renditionDown}: with the same encoding its init segment still
     * holds and it goes on after its gap; with another, that init segment would describe it
     * wrongly under the same URL, so it stays down.
     */
    private boolean resume(Produced rendition, RenditionInfo info) {
        if (rendition.broken) {
            return false;
        }
        if (!rendition.info.equals(info)) {
            rendition.broken = true;
            log.warn("rendition came back with another encoder configuration and stays down: channel={} stream={} rendition={}",
                    grant.channel(), grant.streamId(), info.id());
            return false;
        }
        log.info("rendition back: channel={} stream={} rendition={}", grant.channel(), grant.streamId(), info.id());
        onLoop(() -> {
            broadcast.up(info.id());
            publishPlaylist(info.id());
        });
        return true;
    }

    @Override
    public void skipped(RenditionId rendition, long ptsMillis) {
        Produced missing = produced.get(rendition);
        if (missing == null) {
            boundariesBeforeDeclared.merge(rendition, 1L, Long::sum);
        } else if (missing.packager != null) {
            missing.packager.skip(ptsMillis); // gap parts need no muxer: also for a rendition whose muxer broke
        }
    }

    @Override
    public void renditionDown(RenditionId rendition, String reason) {
        Produced down = produced.get(rendition);
        if (down == null || down.broken) {
            return;
        }
        try {
            down.packager.interrupt();
        } catch (RuntimeException e) {
            down.broken = true;
            log.warn("last part before the failure not written: channel={} stream={} rendition={} error={}", grant.channel(),
                    grant.streamId(), rendition, e.toString());
        }
        log.warn("rendition down: channel={} stream={} rendition={} reason={}", grant.channel(), grant.streamId(), rendition,
                reason);
        markDown(rendition);
    }

    /** Players are moved off the rendition and its playlist stops hinting: the edges are told at once, not at its next part. */
    private void markDown(RenditionId rendition) {
        onLoop(() -> {
            broadcast.down(rendition);
            publishPlaylist(rendition);
        });
    }

    /** On the event loop, after a change to the rendition's window. */
    private void publishPlaylist(RenditionId rendition) {
        PackageEvents events = packages.events();
        if (events.followed(broadcast.channel())) {
            broadcast.rendition(rendition).ifPresent(r -> events.publish(broadcast.playlistUpdate(r)));
        }
    }

    @Override
    public void noPicture() {
        onLoop(() -> broadcast.noPicture()); // broadcast is the loop's: read there, not here
    }

    @Override
    public void mediaClock(Instant wallClockOfMediaZero) {
        wallClockOfZero = wallClockOfMediaZero;
    }

    /** Media timestamp 0 in wall-clock time, as the transcoder saw the first packet; now when it was never told. */
    private synchronized Instant clockOrigin() {
        if (wallClockOfZero == null) {
            wallClockOfZero = Instant.now();
        }
        return wallClockOfZero;
    }

    @Override
    public boolean packet(RenditionId rendition, MediaPacket packet) {
        Produced target = produced.get(rendition);
        if (target == null || target.broken) {
            return false;
        }
        try {
            target.packager.packet(packet);
            return true;
        } catch (RuntimeException e) {
            // The muxer failed: this rendition is lost for the rest of the stream, the others go on.
            target.broken = true;
            log.error("rendition stopped, its muxer failed: channel={} stream={} rendition={} error={}", grant.channel(),
                    grant.streamId(), rendition, e.toString(), e);
            try {
                target.packager.interrupt(); // its time from here on is a gap
            } catch (RuntimeException again) {
                log.debug("last part of a failed muxer not written", again);
            }
            markDown(rendition);
            return false;
        }
    }

    /** On the producer's thread, its last call for the rendition: the last part goes out, the muxer is freed. */
    @Override
    public void renditionEnd(RenditionId rendition) {
        Produced ended = produced.get(rendition);
        if (ended == null) {
            return;
        }
        try {
            if (!ended.broken) {
                ended.packager.finish();
            }
        } catch (RuntimeException e) {
            log.warn("last part not written: channel={} stream={} rendition={} reason={}", grant.channel(), grant.streamId(),
                    rendition, e.toString());
        } finally {
            if (ended.packager != null) {
                ended.packager.close();
            }
        }
    }

    /** The publish is over: its broadcast waits for a publisher to come back, or ends (on the event loop). */
    @Override
    public void end() {
        packages.context().runOnContext(ignored -> opened.onSuccess(started -> packages.publishEnded(broadcast, generation)));
    }
}
