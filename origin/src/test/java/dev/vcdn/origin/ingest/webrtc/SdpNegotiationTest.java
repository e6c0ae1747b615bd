package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vcdn.origin.ingest.webrtc.SdpOffer.InvalidOfferException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chromium's offer (captured from Debian's Chromium 156 with a fake camera and microphone) and our answer to it. */
class SdpNegotiationTest {

    private static String chromiumOffer() throws IOException {
        return WhipTestPublisher.chromiumOffer();
    }

    @Test
    void readsChromiumsOffer() throws Exception {
        SdpOffer offer = SdpOffer.parse(chromiumOffer());
        assertThat(offer.iceUfrag()).isNotBlank();
        assertThat(offer.fingerprintSha256()).hasSize(32);
        assertThat(offer.media()).extracting(SdpOffer.Media::kind).containsExactly("audio", "video");
        SdpOffer.Media video = offer.media().get(1);
        assertThat(video.direction()).isEqualTo("sendonly");
        assertThat(video.rtcpMux()).isTrue();
        assertThat(video.codecsNamed("H264")).hasSize(3);
    }

    @Test
    void choosesConstrainedBaselineH264AndOpusAndAnswersIceLitePassive() throws Exception {
        SdpOffer offer = SdpOffer.parse(chromiumOffer());
        SdpAnswer.Negotiated negotiated = SdpAnswer.negotiate(offer);
        assertThat(negotiated.video().codec().parameter("profile-level-id")).hasValue("42e01f");
        assertThat(negotiated.video().codec().parameter("packetization-mode")).hasValue("1");
        assertThat(negotiated.audio()).hasValueSatisfying(audio -> {
            assertThat(audio.codec().name()).isEqualTo("opus");
            assertThat(audio.codec().channels()).isEqualTo(2);
        });
        String answer = SdpAnswer.write(offer, negotiated, new IceCredentials("ufrag123", "p".repeat(32)), new byte[32],
                List.of("127.0.0.1"), 8189, 42);
        int videoPt = negotiated.video().codec().payloadType();
        assertThat(answer).startsWith("v=0\r\n").contains("a=ice-lite\r\n", "a=group:BUNDLE 0 1\r\n", "a=setup:passive\r\n",
                "a=recvonly\r\n", "a=ice-ufrag:ufrag123\r\n", "m=video 9 UDP/TLS/RTP/SAVPF " + videoPt + "\r\n",
                "a=rtcp-fb:" + videoPt + " nack pli\r\n", "a=rtcp-fb:" + videoPt + " goog-remb\r\n",
                "a=candidate:1 1 udp 2130706431 127.0.0.1 8189 typ host\r\n", "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
                "a=rtpmap:111 opus/48000/2\r\n", "a=fingerprint:sha-256 00:00:");
        assertThat(answer).doesNotContain("transport-cc", "a=sendrecv", "red/48000");
    }

    @Test
    void takesIceCredentialsAndFingerprintAtSessionLevelAsSomeClientsWriteThem() throws Exception {
        String offer = chromiumOffer();
        String ufrag = offer.replaceAll("(?s).*?(a=ice-ufrag:[^\r\n]*\r\n).*", "$1");
        String pwd = offer.replaceAll("(?s).*?(a=ice-pwd:[^\r\n]*\r\n).*", "$1");
        String fingerprint = offer.replaceAll("(?s).*?(a=fingerprint:[^\r\n]*\r\n).*", "$1");
        String sessionLevel = offer.replace(ufrag, "").replace(pwd, "").replace(fingerprint, "")
                .replace("t=0 0\r\n", "t=0 0\r\n" + ufrag + pwd + fingerprint);
        SdpOffer parsed = SdpOffer.parse(sessionLevel);
        assertThat("a=ice-ufrag:" + parsed.iceUfrag() + "\r\n").isEqualTo(ufrag);
        assertThat(parsed.fingerprintSha256()).isEqualTo(SdpOffer.parse(offer).fingerprintSha256());
        assertThat(SdpAnswer.negotiate(parsed).audio()).isPresent();
    }

    @Test
    void rejectsOffersItCannotAnswer() throws Exception {
        String offer = chromiumOffer();
        assertThatThrownBy(() -> SdpOffer.parse("hello")).isInstanceOf(InvalidOfferException.class);
        assertThatThrownBy(() -> SdpOffer.parse(offer.replaceAll("a=fingerprint:[^\r\n]*\r\n", "")))
                .hasMessageContaining("fingerprint");
        assertThatThrownBy(() -> SdpOffer.parse(offer.replaceAll("a=ice-pwd:[^\r\n]*\r\n", ""))).hasMessageContaining("ice-pwd");
        assertThatThrownBy(() -> SdpAnswer.negotiate(SdpOffer.parse(offer.replace("H264/90000", "VP8/90000"))))
                .hasMessageContaining("H.264");
        assertThatThrownBy(() -> SdpAnswer.negotiate(SdpOffer.parse(offer.replace("a=rtcp-mux\r\n", ""))))
                .hasMessageContaining("rtcp-mux");
        assertThatThrownBy(() -> SdpOffer.parse(offer + "x".repeat(SdpOffer.MAX_BYTES))).hasMessageContaining("larger");
        String manySections = offer + ("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:x\r\n").repeat(SdpOffer.MAX_MEDIA_SECTIONS);
        assertThatThrownBy(() -> SdpOffer.parse(manySections)).hasMessageContaining("media sections");
        assertThatThrownBy(() -> SdpOffer.parse(offer.replace("a=rtpmap:102 H264/90000", "a=rtpmap:102 H264/ninety")))
                .hasMessageContaining("not a number");
    }

    @Test
    void aSecondVideoSectionIsRejectedWithPortZero() throws Exception {
        String offer = chromiumOffer();
        int video = offer.indexOf("m=video");
        String twoVideos = offer + offer.substring(video).replace("a=mid:1", "a=mid:2");
        SdpOffer parsed = SdpOffer.parse(twoVideos);
        SdpAnswer.Negotiated negotiated = SdpAnswer.negotiate(parsed);
        String answer = SdpAnswer.write(parsed, negotiated, new IceCredentials("ufrag123", "p".repeat(32)), new byte[32],
                List.of("127.0.0.1"), 8189, 1);
        assertThat(answer).contains("a=group:BUNDLE 0 1\r\n", "m=video 0 UDP/TLS/RTP/SAVPF", "a=mid:2\r\na=inactive\r\n");
    }
}
