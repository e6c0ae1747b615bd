package dev.vcdn.shared.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MediaPacketTest {

    private static final Payload BYTES = Payload.copyOf(new byte[] {0, 0, 0, 1, 0x65});

    @Test
    void frameKeepsItsTimestampsAndKind() {
        MediaPacket frame = MediaPacket.frame(Codec.H264, 100, 133, TimeBase.MILLISECONDS, true, BYTES);
        assertThat(frame.kind()).isEqualTo(MediaKind.VIDEO);
        assertThat(frame.compositionOffset()).isEqualTo(33);
        assertThat(frame.isConfig()).isFalse();
    }

    @Test
    void configIsNeverAKeyframe() {
        assertThat(MediaPacket.config(Codec.AAC, 0, TimeBase.MILLISECONDS, BYTES).keyframe()).isFalse();
        assertThatThrownBy(() -> new MediaPacket(Codec.H264, MediaPacket.Type.CONFIG, 0, 0, TimeBase.MILLISECONDS, true, BYTES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesEmptyPayload() {
        assertThatThrownBy(() -> MediaPacket.frame(Codec.AAC, 0, 0, TimeBase.MILLISECONDS, false, Payload.copyOf(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty FRAME payload");
    }

    @Test
    void payloadCannotBeChangedThroughItsSourceOrViews() {
        byte[] source = {1, 2, 3};
        Payload payload = Payload.copyOf(source);
        source[0] = 9;
        payload.toByteArray()[1] = 9;
        assertThat(payload.asReadOnlyBuffer().isReadOnly()).isTrue();
        assertThat(payload.toByteArray()).containsExactly(1, 2, 3);
        assertThat(payload).isEqualTo(Payload.copyOf(new byte[] {1, 2, 3}));
    }

    @Test
    void codecsMapFromTheirFourCc() {
        assertThat(Codec.fromFourCc("av01")).contains(Codec.AV1);
        assertThat(Codec.fromFourCc("hvc1")).contains(Codec.HEVC);
        assertThat(Codec.fromFourCc("xxxx")).isEmpty();
    }
}
