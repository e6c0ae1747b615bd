package dev.vcdn.origin.ingest.webrtc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of what a WHIP publisher sends: the SDP offer (refused with
 * {@link SdpOffer.InvalidOfferException} or parsed) and STUN datagrams on the media port (a binding
 * request or nothing, never an exception). Stored inputs run in {@code mvn test}.
 */
class WebRtcParsersFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void sdpOffer(FuzzedDataProvider data) {
        try {
            SdpOffer.parse(data.consumeRemainingAsString());
        } catch (SdpOffer.InvalidOfferException refused) {
            // refused with its own reason
        }
    }

    @FuzzTest(maxDuration = "10m")
    void stunDatagram(byte[] datagram) {
        if (StunMessage.looksLikeStun(datagram, datagram.length)) {
            StunMessage.parseBindingRequest(datagram, datagram.length);
        }
    }
}
