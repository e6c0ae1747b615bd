package dev.vcdn.bench;

import java.util.List;
import java.util.Map;

/**
 * Our side of bench/whip-ingest: {@code N} publishers ({@link WhipBenchPublisher}, a JVM of their
 * own) send the same recorded H.264 over WHIP to an origin whose pipeline only counts the frames,
 * so what is measured is the WebRTC ingest: ICE, DTLS, SRTP, reordering and depacketizing. After a
 * warm-up of two whole publishes (the JIT at work) measures a short publish ({@code SHORT} seconds of the file)
 * and a whole one: the JVM's CPU time over each, the same over as long an idle stretch after it,
 * the frames each stream delivered, and the packets asked for again and given up on. The
 * difference between the two is what the media costs without the sessions' set-up (DTLS).
 *
 * <p>Usage: {@code WhipIngestBench STREAMS FILE.flv SHORT}.
 */
public final class WhipIngestBench {

    private static final int WARM_UP_PUBLISHES = 2;

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        String file = args[1];
        int shortSeconds = Integer.parseInt(args[2]);
        try (CountingOrigin origin = new CountingOrigin("whip", Map.of())) {
            String whip = "http://127.0.0.1:" + origin.port("http") + "/whip/live";
            List<String> keys = origin.createChannels("whip", streams);
            // Warm-up: two whole publishes, so that the JIT has compiled the receive path before either measured
            // one, as in a running origin (after one, C2 was still at work: the next publish cost 1.7x the one after).
            for (int i = 0; i < WARM_UP_PUBLISHES; i++) {
                origin.publish(streams, () -> publishAll(whip, keys, file, 0));
            }
            double nackedBefore = origin.counter("vcdn.ingest.whip.nacked.packets");
            double lostBefore = origin.counter("vcdn.ingest.whip.lost.packets");
            System.out.println("short: " + origin.measure(streams, () -> publishAll(whip, keys, file, shortSeconds)));
            System.out.println("short frames " + origin.frames());
            System.out.println("whole: " + origin.measure(streams, () -> publishAll(whip, keys, file, 0)));
            System.out.println("frames " + origin.frames());
            System.out.printf("nacked %.0f lost %.0f%n", origin.counter("vcdn.ingest.whip.nacked.packets") - nackedBefore,
                    origin.counter("vcdn.ingest.whip.lost.packets") - lostBefore);
        }
    }

    /** The publishers' JVM, to its end: its CPU is not ours. */
    private static void publishAll(String whip, List<String> keys, String file, int seconds) throws Exception {
        Process publishers = new ProcessBuilder("java", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                WhipBenchPublisher.class.getName(), "whip", whip, String.join(",", keys), file, Integer.toString(seconds))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (publishers.waitFor() != 0) {
            throw new IllegalStateException("the publishers failed");
        }
    }

    private WhipIngestBench() {
    }
}
