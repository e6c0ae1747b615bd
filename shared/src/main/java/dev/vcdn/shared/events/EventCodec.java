package dev.vcdn.shared.events;

import dev.vcdn.shared.events.OriginEvent.Init;
import dev.vcdn.shared.events.OriginEvent.PartReady;
import dev.vcdn.shared.events.OriginEvent.PlaylistUpdate;
import dev.vcdn.shared.events.OriginEvent.SegmentComplete;
import dev.vcdn.shared.events.OriginEvent.StreamEnded;
import dev.vcdn.shared.events.OriginEvent.StreamStarted;
import dev.vcdn.shared.events.OriginEvent.Subscription;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The wire form of {@link OriginEvent}s on the {@code /events} WebSocket: one binary message per
 * event, a 4-byte big-endian header length, the header as JSON ({@code "type"} and the fields),
 * then the event's bytes (init segment or part), if any. Subscriptions travel as JSON text.
 */
public final class EventCodec {

    /** Header JSON larger than this is refused (ours are about 200 bytes). */
    public static final int MAX_HEADER_BYTES = 4096;
    /** Channels one subscription message may name. */
    public static final int MAX_CHANNELS = 1000;

    private EventCodec() {
    }

    public static Buffer encode(OriginEvent event) {
        JsonObject header = new JsonObject().put("channel", event.channel().value()).put("streamId", event.streamId().value());
        byte[] body = new byte[0];
        if (event instanceof StreamStarted s) {
            header.put("type", "stream-started").put("targetDuration", s.targetDurationSeconds()).put("partTarget", s.partTargetSeconds());
        } else if (event instanceof Init i) {
            header.put("type", "init").put("rendition", i.rendition().value()).put("kind", i.kind()).put("codecs", i.codecs())
                    .put("width", i.width()).put("height", i.height()).put("frameRate", i.frameRate())
                    .put("averageBandwidth", i.averageBandwidth()).put("bandwidth", i.bandwidth());
            i.firstMsn().ifPresent(first -> header.put("firstMsn", first));
            body = i.bytes();
        } else if (event instanceof PartReady p) {
            header.put("type", "part").put("rendition", p.rendition().value()).put("msn", p.msn()).put("part", p.part())
                    .put("independent", p.independent()).put("duration", p.durationMillis())
                    .put("segmentStart", p.segmentStart().toString());
            body = p.bytes();
        } else if (event instanceof SegmentComplete c) {
            header.put("type", "segment-complete").put("rendition", c.rendition().value()).put("msn", c.msn())
                    .put("duration", c.durationMillis());
        } else if (event instanceof PlaylistUpdate u) {
            byte[] whole = u.playlist().getBytes(StandardCharsets.UTF_8);
            byte[] delta = u.deltaPlaylist().getBytes(StandardCharsets.UTF_8);
            header.put("type", "playlist").put("rendition", u.rendition().value()).put("msn", u.lastMsn())
                    .put("part", u.lastPart()).put("segmentComplete", u.segmentComplete()).put("ended", u.ended())
                    .put("playlistBytes", whole.length);
            body = new byte[whole.length + delta.length];
            System.arraycopy(whole, 0, body, 0, whole.length);
            System.arraycopy(delta, 0, body, whole.length, delta.length);
        } else if (event instanceof StreamEnded) {
            header.put("type", "stream-ended");
        }
        Buffer json = header.toBuffer();
        return Buffer.buffer(4 + json.length() + body.length).appendInt(json.length()).appendBuffer(json).appendBytes(body);
    }

    /**
     * The channel an encoded event is about, read from its header alone: for relaying events
     * without decoding their bytes.
     *
     * @throws IllegalArgumentException on anything malformed
     */
    public static ChannelName channelOf(Buffer message) {
        try {
            return ChannelName.of(header(message).getString("channel"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("malformed event header: " + e.getMessage());
        }
    }

    private static JsonObject header(Buffer message) {
        if (message.length() < 4) {
            throw new IllegalArgumentException("event shorter than its header length");
        }
        int headerLength = message.getInt(0);
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > message.length() - 4) {
            throw new IllegalArgumentException("event header length " + headerLength);
        }
        try {
            return new JsonObject(message.getBuffer(4, 4 + headerLength));
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("event header is not a JSON object");
        }
    }

    /** @throws IllegalArgumentException on anything malformed */
    public static OriginEvent decode(Buffer message) {
        JsonObject header = header(message);
        int headerLength = message.getInt(0);
        byte[] body = message.getBytes(4 + headerLength, message.length());
        try {
            ChannelName channel = ChannelName.of(header.getString("channel"));
            StreamId streamId = StreamId.of(header.getString("streamId"));
            String type = String.valueOf(header.getString("type"));
            return switch (type) {
                case "stream-started" -> new StreamStarted(channel, streamId, header.getInteger("targetDuration"),
                        header.getDouble("partTarget"));
                case "init" -> new Init(channel, streamId, RenditionId.of(header.getString("rendition")), header.getString("kind"),
                        header.getString("codecs"), header.getInteger("width"), header.getInteger("height"),
                        header.getDouble("frameRate"), header.getLong("averageBandwidth"), header.getLong("bandwidth"),
                        header.containsKey("firstMsn") ? OptionalLong.of(nonNegative(header.getLong("firstMsn"), "firstMsn"))
                                : OptionalLong.empty(), body);
                case "part" -> new PartReady(channel, streamId, RenditionId.of(header.getString("rendition")), header.getLong("msn"),
                        header.getInteger("part"), header.getBoolean("independent"), header.getLong("duration"),
                        Instant.parse(header.getString("segmentStart")), body);
                case "segment-complete" -> new SegmentComplete(channel, streamId, RenditionId.of(header.getString("rendition")),
                        header.getLong("msn"), header.getLong("duration"));
                case "playlist" -> playlist(channel, streamId, header, body);
                case "stream-ended" -> new StreamEnded(channel, streamId);
                default -> throw new IllegalArgumentException("unknown event type '" + type + "'");
            };
        } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("malformed event header: " + e.getMessage());
        }
    }

    private static long nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " " + value + " is negative");
        }
        return value;
    }

    private static PlaylistUpdate playlist(ChannelName channel, StreamId streamId, JsonObject header, byte[] body) {
        int wholeLength = header.getInteger("playlistBytes");
        if (wholeLength < 0 || wholeLength > body.length) {
            throw new IllegalArgumentException("playlist length " + wholeLength + " outside the event's " + body.length + " bytes");
        }
        return new PlaylistUpdate(channel, streamId, RenditionId.of(header.getString("rendition")), header.getLong("msn"),
                header.getInteger("part"), header.getBoolean("segmentComplete"), header.getBoolean("ended"),
                new String(body, 0, wholeLength, StandardCharsets.UTF_8),
                new String(body, wholeLength, body.length - wholeLength, StandardCharsets.UTF_8));
    }

    public static String encode(Subscription subscription) {
        return new JsonObject()
                .put("subscribe", new JsonArray(subscription.subscribe().stream().map(ChannelName::value).toList()))
                .put("unsubscribe", new JsonArray(subscription.unsubscribe().stream().map(ChannelName::value).toList()))
                .encode();
    }

    /** @throws IllegalArgumentException on anything malformed or too large */
    public static Subscription decodeSubscription(String text) {
        if (text.length() > MAX_CHANNELS * 40) {
            throw new IllegalArgumentException("subscription message too large");
        }
        try {
            JsonObject json = new JsonObject(text);
            return new Subscription(channels(json.getJsonArray("subscribe", new JsonArray())),
                    channels(json.getJsonArray("unsubscribe", new JsonArray())));
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("subscription is not the expected JSON");
        }
    }

    private static List<ChannelName> channels(JsonArray array) {
        if (array.size() > MAX_CHANNELS) {
            throw new IllegalArgumentException("more than " + MAX_CHANNELS + " channels");
        }
        List<ChannelName> channels = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            channels.add(ChannelName.of(array.getString(i)));
        }
        return channels;
    }
}
