package dev.vcdn.origin.ingest.webrtc;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The WHIP (WebRTC) ingest's settings ({@code whip.*} in origin.yaml). The HTTP side is the
 * origin's HTTP server; media arrives on one UDP port shared by every session.
 *
 * @param host            bind address of the UDP port
 * @param port            UDP port for ICE, DTLS and SRTP of every session
 * @param candidateHosts  addresses the answer offers as our candidates (a public IP behind NAT);
 *                        empty: the address the publisher's HTTP request reached
 * @param jitterDelay     how long a packet after a gap waits for the gap to be retransmitted
 * @param connectTimeout  a session whose ICE and DTLS do not complete in this time is dropped
 * @param idleTimeout     a connected session without media or consent checks this long ends
 * @param maxSessions     simultaneous sessions, connecting or live
 * @param keyframeInterval how often the publisher is asked for a keyframe (PLI): the HLS segment
 *                        target, so that segments can be cut at the publisher's own keyframes
 *                        (WebRTC encoders make keyframes only when asked)
 */
public record WhipSettings(String host, int port, List<String> candidateHosts, Duration jitterDelay,
                           Duration connectTimeout, Duration idleTimeout, int maxSessions, Duration keyframeInterval) {

    public WhipSettings {
        Objects.requireNonNull(host, "host");
        candidateHosts = List.copyOf(candidateHosts);
        for (String candidate : candidateHosts) {
            if (!isIpLiteral(candidate)) {
                throw new IllegalArgumentException("whip.candidates: " + candidate + " is not an IP address (no names:"
                        + " ICE candidates are addresses)");
            }
        }
        Objects.requireNonNull(jitterDelay, "jitterDelay");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(keyframeInterval, "keyframeInterval");
    }

    static boolean isIpLiteral(String host) {
        return host.matches("(\\d{1,3}\\.){3}\\d{1,3}") || (host.contains(":") && host.matches("[0-9A-Fa-f:.]+"));
    }
}
