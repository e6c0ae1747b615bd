package dev.vcdn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Our side of bench/srt-ingest: {@code N} publishers send the same recorded MPEG-TS file over SRT
 * (the ffmpeg program of our build, {@code -re -c copy}) to an origin whose pipeline only counts
 * the frames, so what is measured is the SRT listener and the TS demuxer. After a warm-up publish
 * (the JIT at work) prints the JVM's CPU time over the measured publish, the same over as long an
 * idle stretch after it, the frames each stream delivered, and the lost and dropped packets.
 *
 * <p>Usage: {@code SrtIngestBench STREAMS FILE.ts FFMPEG}.
 */
public final class SrtIngestBench {

    private static final int WARM_UP_SECONDS = 6;

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        String file = args[1];
        String ffmpeg = args[2];
        try (CountingOrigin origin = new CountingOrigin("srt",
                Map.of("VCDN_SRT_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(Math.max(8, streams))))) {
            int srt = origin.port("srt");
            List<String> keys = origin.createChannels("srt", streams);
            // Warm-up: the JIT compiles the receive path (about a second of CPU) before anything is measured,
            // as it long has in a running origin.
            origin.publish(streams, () -> publishAll(ffmpeg, file, srt, keys, WARM_UP_SECONDS));
            double lostBefore = origin.counter("vcdn.ingest.srt.lost.packets");
            double droppedBefore = origin.counter("vcdn.ingest.srt.dropped.packets");
            CountingOrigin.Measurement measured = origin.measure(streams, () -> publishAll(ffmpeg, file, srt, keys, 0));
            System.out.println(measured);
            System.out.println("frames " + origin.frames());
            System.out.printf("lost %.0f dropped %.0f%n", origin.counter("vcdn.ingest.srt.lost.packets") - lostBefore,
                    origin.counter("vcdn.ingest.srt.dropped.packets") - droppedBefore);
        }
    }

    /** Runs one publisher per key to its end; {@code seconds} 0 sends the whole file. */
    private static void publishAll(String ffmpeg, String file, int srtPort, List<String> keys, int seconds) throws Exception {
        List<Process> running = new ArrayList<>();
        for (String key : keys) {
            List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                    "-i", file, "-c", "copy"));
            if (seconds > 0) {
                command.addAll(List.of("-t", Integer.toString(seconds)));
            }
            command.addAll(List.of("-f", "mpegts", "srt://127.0.0.1:" + srtPort + "?streamid=#!::r=live/" + key + ",m=publish"));
            running.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        for (Process process : running) {
            process.waitFor();
        }
    }

    private SrtIngestBench() {
    }
}
