package dev.vcdn.origin.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlvMediaTest {

    private static Optional<MediaPacket> video(long ts, String hex) {
        return FlvMedia.parse(MessageType.VIDEO, ts, HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    private static Optional<MediaPacket> audio(long ts, String hex) {
        return FlvMedia.parse(MessageType.AUDIO, ts, HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    @Test
    void avcSequenceHeaderBecomesAConfigPacket() {
        MediaPacket config = video(0, "17 00 000000 01640015ffe1").orElseThrow();
        assertThat(config.codec()).isEqualTo(Codec.H264);
        assertThat(config.isConfig()).isTrue();
        assertThat(config.payload().toByteArray()).containsExactly(0x01, 0x64, 0x00, 0x15, 0xff, 0xe1);
    }

    @Test
    void avcFramesKeepKeyframeFlagAndCompositionTime() {
        MediaPacket key = video(1000, "17 01 000043 00000002 6588").orElseThrow();
        assertThat(key.keyframe()).isTrue();
        assertThat(key.dts()).isEqualTo(1000);
        assertThat(key.pts()).isEqualTo(1067);
        MediaPacket inter = video(1033, "27 01 ffffde 00000002 419a").orElseThrow();
        assertThat(inter.keyframe()).isFalse();
        assertThat(inter.compositionOffset()).as("negative composition time").isEqualTo(-34);
        assertThat(video(1066, "17 02 000000")).as("end of sequence carries no media").isEmpty();
    }

    @Test
    void aacConfigAndFrames() {
        MediaPacket config = audio(0, "af 00 1210").orElseThrow();
        assertThat(config.codec()).isEqualTo(Codec.AAC);
        assertThat(config.isConfig()).isTrue();
        MediaPacket frame = audio(23, "af 01 211b").orElseThrow();
        assertThat(frame.isConfig()).isFalse();
        assertThat(frame.pts()).isEqualTo(23);
    }

    @Test
    void enhancedRtmpVideo() {
        MediaPacket av1Config = video(0, "90 61763031 81000c00").orElseThrow();
        assertThat(av1Config.codec()).isEqualTo(Codec.AV1);
        assertThat(av1Config.isConfig()).isTrue();
        MediaPacket av1Key = video(40, "91 61763031 12000a0b").orElseThrow();
        assertThat(av1Key.keyframe()).isTrue();
        assertThat(av1Key.payload().toByteArray()).containsExactly(0x12, 0x00, 0x0a, 0x0b);
        MediaPacket hevc = video(40, "a1 68766331 000021 00000001 26").orElseThrow();
        assertThat(hevc.codec()).isEqualTo(Codec.HEVC);
        assertThat(hevc.keyframe()).isFalse();
        assertThat(hevc.pts()).isEqualTo(73);
        MediaPacket vp9 = video(40, "a3 76703039 8249").orElseThrow();
        assertThat(vp9.codec()).isEqualTo(Codec.VP9);
        assertThat(vp9.pts()).as("CodedFramesX has no composition time").isEqualTo(40);
    }

    @Test
    void enhancedRtmpOpusAudio() {
        MediaPacket head = audio(0, "90 4f707573 4f70757348656164").orElseThrow();
        assertThat(head.codec()).isEqualTo(Codec.OPUS);
        assertThat(head.isConfig()).isTrue();
        assertThat(audio(20, "91 4f707573 fc").orElseThrow().isConfig()).isFalse();
        assertThat(audio(0, "94 4f707573 0001")).as("multichannel config carries no media").isEmpty();
    }

    @Test
    void unsupportedCodecsAreRefusedNotDropped() {
        assertThatThrownBy(() -> audio(0, "2f fffb")).isInstanceOf(UnsupportedMediaException.class)
                .hasMessage("audio format 2 is not supported; send AAC");
        assertThatThrownBy(() -> video(0, "14 0000")).isInstanceOf(UnsupportedMediaException.class)
                .hasMessageStartingWith("video codec id 4 is not supported");
        assertThatThrownBy(() -> video(0, "90 61626364 00")).hasMessageStartingWith("video FourCC 'abcd' is not supported");
        assertThatThrownBy(() -> video(0, "96 61763031 00")).hasMessage("multitrack video is not supported");
    }

    @Test
    void truncatedTagsAreProtocolErrors() {
        assertThatThrownBy(() -> video(0, "17 01")).isInstanceOf(RtmpProtocolException.class)
                .hasMessage("truncated AVC video tag header: 2 bytes");
        assertThatThrownBy(() -> video(0, "17 01 000000")).hasMessage("media tag without payload");
        assertThatThrownBy(() -> audio(0, "af")).hasMessage("truncated AAC audio tag header: 1 bytes");
        assertThatThrownBy(() -> video(0, "91 6176")).hasMessage("truncated enhanced video tag header: 3 bytes");
    }

    @Test
    void timestampsKeepIncreasingAcrossThe32BitWrap() {
        TimestampUnwrapper clock = new TimestampUnwrapper();
        assertThat(clock.unwrap(0xFFFFFF00L)).isEqualTo(0xFFFFFF00L);
        assertThat(clock.unwrap(0x10L)).isEqualTo(0x1_0000_0010L);
        assertThat(clock.unwrap(0xFFFFFFF0L)).as("a late packet from before the wrap").isEqualTo(0xFFFFFFF0L);
        assertThat(clock.unwrap(0x20L)).isEqualTo(0x1_0000_0020L);
        assertThat(new TimestampUnwrapper().unwrap(5000)).isEqualTo(5000);
    }
}
