package dev.vcdn.origin.packager;


import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.pipeline.LadderOutput;
import dev.vcdn.origin.pipeline.RenditionInfo;
import dev.vcdn.shared.events.OriginEvent;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.RenditionId;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's ladder into LL-HLS: each rendition is muxed and cut on its producer's thread; the
 * finished parts go to the {@link Packages} event loop, which serves them.
 */
public final class PackagerOutput implements LadderOutput {

    private static final Logger log = LoggerFactory.getLogger(PackagerOutput.class);

    private final Packages packages;
    private final ChannelPackage channelPackage;
    private final Map<RenditionId, RenditionPackager> packagers = new ConcurrentHashMap<>();
    private volatile Instant wallClockOfZero;

    public PackagerOutput(Packages packages, PublishGrant grant) {
        this.packages = packages;
        PackagingSettings settings = grant.features().lowLatency() ? packages.lowLatencySettings() : packages.settings();
        this.channelPackage = new ChannelPackage(grant.channel(), grant.streamId(), settings);
        packages.context().runOnContext(ignored -> packages.put(channelPackage));
    }

    @Override
    public void rendition(RenditionInfo info) {
        Fmp4Muxer muxer = new Fmp4Muxer(info);
        PackagingSettings settings = channelPackage.settings();
        RenditionWindow window = new RenditionWindow(settings, muxer.initSegment());
        PackageEvents events = packages.events();
        RenditionPackager packager = new RenditionPackager(info, muxer, settings, new RenditionPackager.Sink() {
            @Override
            public void part(long msn, int index, byte[] bytes, long durationMillis, boolean independent, Instant start) {
                packages.context().runOnContext(ignored -> {
                    long playlistMsn = window.playlistMsn(msn);
                    window.addPart(playlistMsn, index, bytes, durationMillis, independent, start);
                    events.publish(new OriginEvent.PartReady(channelPackage.channel(), channelPackage.streamId(), info.id(),
                            playlistMsn, index, independent, durationMillis, start, bytes));
                    publishPlaylist(info.id());
                });
            }

            @Override
            public void segmentComplete(long msn) {
                packages.context().runOnContext(ignored -> {
                    long playlistMsn = window.playlistMsn(msn);
                    window.completeSegment(playlistMsn);
                    window.segment(playlistMsn).ifPresent(segment -> events.publish(new OriginEvent.SegmentComplete(
                            channelPackage.channel(), channelPackage.streamId(), info.id(), playlistMsn, segment.durationMillis)));
                    publishPlaylist(info.id());
                });
            }
        }, clockOrigin());
        packagers.put(info.id(), packager);
        log.info("rendition ready: channel={} stream={} rendition={} codecs={} size={}x{} fps={} kbps={}",
                channelPackage.channel(), channelPackage.streamId(), info.id(), info.codecString(), info.width(),
                info.height(), info.fps(), info.bitrateKbps());
        packages.context().runOnContext(ignored -> events.publish(channelPackage.add(info, window)));
    }

    /** On the event loop, after a change to the rendition's window. */
    private void publishPlaylist(RenditionId rendition) {
        PackageEvents events = packages.events();
        if (events.followed(channelPackage.channel())) {
            channelPackage.rendition(rendition).ifPresent(r -> events.publish(channelPackage.playlistUpdate(r)));
        }
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
    public void packet(RenditionId rendition, MediaPacket packet) {
        RenditionPackager packager = packagers.get(rendition);
        if (packager != null) {
            packager.packet(packet);
        }
    }

    @Override
    public void end() {
        packagers.values().forEach(packager -> {
            try {
                packager.finish();
            } catch (RuntimeException e) {
                log.warn("last part not written: channel={} stream={} reason={}", channelPackage.channel(),
                        channelPackage.streamId(), e.toString());
            } finally {
                packager.close();
            }
        });
        packages.context().runOnContext(ignored -> packages.ended(channelPackage));
    }
}
