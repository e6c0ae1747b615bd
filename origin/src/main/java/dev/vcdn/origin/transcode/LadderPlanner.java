package dev.vcdn.origin.transcode;

import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.stream.RenditionId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Decides the ladder of a stream from what the publisher sends and what the channel may use:
 * the source (passed through when it is H.264 with a usable keyframe interval, else re-encoded
 * at its own size), then the standard heights below the source (never above), and the extra
 * AV1/VP9 rungs of channels with those features.
 */
public final class LadderPlanner {

    /** A standard rung: height and H.264 bitrate; peak is 1.5x and the other codecs need less. */
    public record Step(String name, int height, int bitrateKbps) {
    }

    public static final List<Step> DEFAULT_STEPS = List.of(
            new Step("1080p", 1080, 6000),
            new Step("720p", 720, 3000),
            new Step("480p", 480, 1400),
            new Step("360p", 360, 800),
            new Step("160p", 160, 250));

    /** The height the extra AV1/VP9 rung is made at (or the largest step below the source). */
    static final int EXTRA_CODEC_HEIGHT = 480;
    /** AV1 and VP9 reach H.264's quality with this share of its bitrate. */
    static final double EXTRA_CODEC_BITRATE_SHARE = 0.6;
    static final double PEAK_FACTOR = 1.5;
    /** Low rungs of a high-frame-rate source run at half its rate. */
    static final double HIGH_FPS = 30.5;

    private final List<Step> steps;

    public LadderPlanner(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * @param sourceKeyframesUsable the source's keyframe interval is regular and short enough to cut segments at
     */
    public List<Rung> plan(SourceVideo source, ChannelFeatures features, boolean sourceKeyframesUsable) {
        List<Rung> rungs = new ArrayList<>();
        List<String> allowed = features.renditions();
        boolean passthrough = source.codec() == Codec.H264 && sourceKeyframesUsable;
        // A channel limited to rungs all above its source (only 1080p, for a 720p publish) still
        // gets a picture: its source's, never an upscale.
        boolean anyStepBelow = steps.stream().anyMatch(step -> step.height() < source.height() && allowed.contains(step.name()));
        if (allowed.contains("source") || !anyStepBelow) {
            int sourceKbps = passthrough ? source.bitrateKbps() : bitrateFor(source.height());
            rungs.add(new Rung(RenditionId.of("source"), VideoCodec.H264, even(source.width()), even(source.height()),
                    source.fps(), sourceKbps, (int) (sourceKbps * PEAK_FACTOR), passthrough));
        }
        for (Step step : steps) {
            if (step.height() < source.height() && allowed.contains(step.name())) {
                rungs.add(rung(step.name(), VideoCodec.H264, step.height(), step.bitrateKbps(), source));
            }
        }
        for (VideoCodec extra : List.of(VideoCodec.AV1, VideoCodec.VP9)) {
            if (features.codecs().contains(extra.featureName())) {
                extraStep(source).ifPresent(step -> rungs.add(rung(step.name() + "-" + extra.featureName(), extra,
                        step.height(), (int) (step.bitrateKbps() * EXTRA_CODEC_BITRATE_SHARE), source)));
            }
        }
        return withinLimit(rungs, features.maxBitrateKbps());
    }

    /**
     * No encoded rung above what the channel may send, on average or at its peaks (a 1080p step
     * asks 6 Mbit/s; a channel may allow less): the highest of each codec is held to the limit, the
     * others over it are left out (several rungs at one bitrate would only cost encoding and
     * confuse players' choice).
     */
    private static List<Rung> withinLimit(List<Rung> rungs, int limitKbps) {
        if (limitKbps <= 0) {
            return List.copyOf(rungs);
        }
        List<Rung> kept = new ArrayList<>();
        Set<VideoCodec> heldToLimit = EnumSet.noneOf(VideoCodec.class);
        for (Rung rung : rungs) {
            if (rung.passthrough()) {
                kept.add(rung);
                heldToLimit.add(rung.codec()); // the source is its codec's top: nothing encoded above it
            } else if (rung.bitrateKbps() <= limitKbps) {
                kept.add(new Rung(rung.id(), rung.codec(), rung.width(), rung.height(), rung.fps(), rung.bitrateKbps(),
                        Math.min(rung.maxBitrateKbps(), limitKbps), false));
            } else if (heldToLimit.add(rung.codec())) {
                kept.add(new Rung(rung.id(), rung.codec(), rung.width(), rung.height(), rung.fps(), limitKbps, limitKbps, false));
            }
        }
        return List.copyOf(kept);
    }

    private java.util.Optional<Step> extraStep(SourceVideo source) {
        return steps.stream().filter(s -> s.height() <= EXTRA_CODEC_HEIGHT && s.height() < source.height()).findFirst();
    }

    private Rung rung(String name, VideoCodec codec, int height, int kbps, SourceVideo source) {
        int width = nearestEven(height * (double) source.width() / source.height());
        double fps = height <= 480 && source.fps() > HIGH_FPS ? source.fps() / 2 : source.fps();
        return new Rung(RenditionId.of(name), codec, width, height, fps, kbps, (int) (kbps * PEAK_FACTOR), false);
    }

    private int bitrateFor(int height) {
        return steps.stream().filter(s -> s.height() <= height).findFirst().map(Step::bitrateKbps)
                .orElse(steps.get(steps.size() - 1).bitrateKbps());
    }

    private static int nearestEven(double value) {
        return (int) Math.max(2, 2 * Math.round(value / 2));
    }

    private static int even(int value) {
        return Math.max(2, value - value % 2);
    }
}
