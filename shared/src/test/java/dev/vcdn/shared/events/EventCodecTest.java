package dev.vcdn.shared.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.events.OriginEvent.Subscription;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.RenditionId;
import dev.vcdn.shared.stream.StreamId;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final ChannelName ALICE = ChannelName.of("alice");
    private static final StreamId STREAM = StreamId.of("s-1");

    @Test
    void everyEventRoundTrips() {
        List<OriginEvent> events = List.of(
                new OriginEvent.StreamStarted(ALICE, STREAM, 2, 0.334),
                new OriginEvent.Init(ALICE, STREAM, RenditionId.of("720p"), "video", "avc1.64001f", 1280, 720, 30, 3_000_000,
                        4_500_000, java.util.OptionalLong.empty(), new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'}),
                new OriginEvent.Init(ALICE, STREAM, RenditionId.of("720p"), "video", "avc1.64001f", 1280, 720, 30, 3_000_000,
                        4_500_000, java.util.OptionalLong.of(42), new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'}),
                new OriginEvent.PartReady(ALICE, STREAM, RenditionId.of("720p"), 12, 3, false, 334,
                        Instant.parse("2026-11-24T05:00:00.123Z"), new byte[] {1, 2, 3}),
                new OriginEvent.SegmentComplete(ALICE, STREAM, RenditionId.of("audio"), 12, 2005),
                new OriginEvent.PlaylistUpdate(ALICE, STREAM, RenditionId.of("720p"), 12, 3, false, false,
                        "#EXTM3U\n#EXT-X-PART:DURATION=0.334,URI=\"12.3.m4s\"\n", "#EXTM3U\n#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n"),
                new OriginEvent.StreamEnded(ALICE, STREAM));
        for (OriginEvent event : events) {
            assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
            assertThat(EventCodec.channelOf(EventCodec.encode(event))).isEqualTo(ALICE);
        }
    }

    @Test
    void malformedEventsAreRefused() {
        assertThatThrownBy(() -> EventCodec.decode(Buffer.buffer(new byte[] {0, 0}))).hasMessageContaining("shorter");
        assertThatThrownBy(() -> EventCodec.decode(Buffer.buffer().appendInt(1 << 20).appendString("{}")))
                .hasMessageContaining("header length");
        assertThatThrownBy(() -> EventCodec.decode(Buffer.buffer().appendInt(2).appendString("{x")))
                .hasMessage("event header is not a JSON object");
        String header = "{\"type\":\"part\",\"channel\":\"../etc\",\"streamId\":\"s\"}";
        assertThatThrownBy(() -> EventCodec.decode(Buffer.buffer().appendInt(header.length()).appendString(header)))
                .isInstanceOf(IllegalArgumentException.class);
        String unknown = "{\"type\":\"nope\",\"channel\":\"a\",\"streamId\":\"s\"}";
        assertThatThrownBy(() -> EventCodec.decode(Buffer.buffer().appendInt(unknown.length()).appendString(unknown)))
                .hasMessage("unknown event type 'nope'");
    }

    @Test
    void aPlaylistLengthBeyondTheBodyIsRefused() {
        String header = "{\"type\":\"playlist\",\"channel\":\"a\",\"streamId\":\"s\",\"rendition\":\"720p\",\"msn\":1,"
                + "\"part\":0,\"segmentComplete\":false,\"ended\":false,\"playlistBytes\":99}";
        assertThatThrownBy(() -> EventCodec.decode(Buffer.buffer().appendInt(header.length()).appendString(header).appendString("#EXTM3U")))
                .hasMessageContaining("playlist length 99");
    }

    @Test
    void aPlaylistSaysWhichBlockingReloadsItAnswers() {
        OriginEvent.PlaylistUpdate midSegment = new OriginEvent.PlaylistUpdate(ALICE, STREAM, RenditionId.of("720p"), 12, 3,
                false, false, "", "");
        assertThat(midSegment.satisfies(12, OptionalInt.of(3))).isTrue();
        assertThat(midSegment.satisfies(12, OptionalInt.of(4))).isFalse();
        assertThat(midSegment.satisfies(11, OptionalInt.of(9))).isTrue();
        assertThat(midSegment.satisfies(12, OptionalInt.empty())).isFalse();
        assertThat(midSegment.satisfies(11, OptionalInt.empty())).isTrue();
        OriginEvent.PlaylistUpdate segmentDone = new OriginEvent.PlaylistUpdate(ALICE, STREAM, RenditionId.of("720p"), 12, 5,
                true, false, "", "");
        assertThat(segmentDone.satisfies(12, OptionalInt.empty())).isTrue();
        assertThat(segmentDone.satisfies(13, OptionalInt.of(0))).isFalse();
    }

    @Test
    void subscriptionsRoundTripAndAreBounded() {
        Subscription subscription = new Subscription(List.of(ALICE), List.of(ChannelName.of("bob")));
        assertThat(EventCodec.decodeSubscription(EventCodec.encode(subscription))).isEqualTo(subscription);
        assertThatThrownBy(() -> EventCodec.decodeSubscription("{\"subscribe\":[\"Not Valid\"]}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventCodec.decodeSubscription("[1,2]")).isInstanceOf(IllegalArgumentException.class);
    }
}
