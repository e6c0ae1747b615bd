package dev.vcdn.origin.transcode.tap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.pipeline.ChannelFeatures;
import dev.vcdn.origin.pipeline.PublishGrant;
import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.testing.TestSources;
import dev.vcdn.origin.transcode.MediaDecoder;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaKind;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.stream.ChannelName;
import dev.vcdn.shared.stream.StreamId;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailTapTest {

    @Test
    void aDecodedPictureBecomesA320PixelJpegUntilTheStreamEnds(@TempDir Path files) throws Exception {
        List<MediaPacket> video = FlvFile.packets(TestSources.flv(files, "thumb", "1280x720", 25, 25, 1)).stream()
                .filter(p -> p.kind() == MediaKind.VIDEO).toList();
        ThumbnailStore store = new ThumbnailStore();
        ChannelName channel = ChannelName.of("alice");
        FrameTapSession session = new ThumbnailTap(store)
                .open(new PublishGrant(channel, StreamId.random(), ChannelFeatures.standard())).orElseThrow();
        try (MediaDecoder decoder = new MediaDecoder(Codec.H264, video.get(0).payload().toByteArray())) {
            decoder.decode(video.get(1), session::onFrame);
            decoder.flush(session::onFrame);
        }
        byte[] jpeg = store.get(channel).orElseThrow();
        assertThat(jpeg).startsWith((byte) 0xFF, (byte) 0xD8).endsWith((byte) 0xFF, (byte) 0xD9);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(image.getWidth() + "x" + image.getHeight()).as("read back by the JDK's own JPEG decoder").isEqualTo("320x180");

        session.close();
        assertThat(store.get(channel)).as("no thumbnail once the stream has ended").isEmpty();
    }
}
