package dev.vcdn.origin.ingest.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vcdn.origin.ingest.webrtc.SdpOffer.InvalidOfferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What reaches the WHIP code from the network, damaged at random: an offer either parses or is
 * refused with its reason, and packets are parsed, depacketized or dropped, never an exception
 * that would escape to the event loop.
 */
class HostileWebRtcInputTest {

    private final Random random = new Random(20261124);

    @Test
    void aDamagedOfferIsAnsweredOrRefusedWithAReason() throws Exception {
        String offer = WhipTestPublisher.chromiumOffer();
        int answered = 0;
        for (int i = 0; i < 3000; i++) {
            char[] damaged = offer.substring(0, random.nextInt(offer.length() + 1)).toCharArray();
            for (int flips = random.nextInt(8); flips > 0 && damaged.length > 0; flips--) {
                damaged[random.nextInt(damaged.length)] = (char) (32 + random.nextInt(95));
            }
            try {
                SdpOffer parsed = SdpOffer.parse(new String(damaged));
                SdpAnswer.Negotiated negotiated = SdpAnswer.negotiate(parsed);
                SdpAnswer.write(parsed, negotiated, new IceCredentials("ufrag123", "p".repeat(32)), new byte[32],
                        List.of("127.0.0.1"), 8189, i);
                answered++;
            } catch (InvalidOfferException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        }
        assertThat(answered).as("some damaged offers are still answerable").isPositive();
    }

    @Test
    void randomPacketsAreParsedOrDroppedNeverThrown() {
        List<H264Depacketizer.AccessUnit> units = new ArrayList<>();
        H264Depacketizer depacketizer = new H264Depacketizer(units::add);
        RtpReorderBuffer reorder = new RtpReorderBuffer(100, new RtpReorderBuffer.Output() {
            @Override
            public void packet(RtpPacket packet) {
                depacketizer.packet(packet);
            }

            @Override
            public void lost(int count) {
                depacketizer.lost();
            }
        });
        for (int i = 0; i < 20_000; i++) {
            byte[] datagram = new byte[random.nextInt(1500)];
            random.nextBytes(datagram);
            if (datagram.length > 1) {
                datagram[0] = (byte) (0x80 | (datagram[0] & 0x3F)); // version 2, the rest random
            }
            RtpPacket.parse(datagram).ifPresent(packet -> reorder.add(packet, 0));
            reorder.tick(i);
            Rtcp.senderReports(datagram);
            StunMessage.parseBindingRequest(datagram, datagram.length);
        }
        // Whatever got through is well formed: no empty NAL unit, nothing over the bounds.
        assertThat(units).allSatisfy(unit -> {
            assertThat(unit.nalUnits()).isNotEmpty().hasSizeLessThanOrEqualTo(H264Depacketizer.MAX_NAL_UNITS)
                    .allSatisfy(nal -> assertThat(nal).isNotEmpty());
            assertThat(unit.nalUnits().stream().mapToInt(nal -> nal.length).sum())
                    .isLessThanOrEqualTo(H264Depacketizer.MAX_ACCESS_UNIT_BYTES);
        });
    }
}
