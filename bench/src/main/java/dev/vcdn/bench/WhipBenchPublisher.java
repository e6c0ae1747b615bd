package dev.vcdn.bench;

import dev.vcdn.origin.ingest.rtmp.FlvFile;
import dev.vcdn.origin.ingest.webrtc.SrtpKeys;
import dev.vcdn.origin.ingest.webrtc.WhipTestPublisher;
import dev.vcdn.shared.media.Codec;
import dev.vcdn.shared.media.MediaPacket;
import dev.vcdn.shared.media.TimeBase;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The publishers of bench/whip-ingest, in a process of their own so that their CPU is not the
 * receiver's: each sends the H.264 of an FLV file as RTP in real time, either over WHIP (offer,
 * ICE check, DTLS, SRTP) to an origin, or as SRTP with a fixed key (SDES) to an ffmpeg that
 * reads an SDP with that key.
 *
 * <p>Usage: {@code WhipBenchPublisher whip URL KEY[,KEY...] FILE.flv SECONDS} or
 * {@code WhipBenchPublisher srtp PORT[,PORT...] KEYHEX FILE.flv SECONDS} (KEYHEX: 16-byte key
 * then 14-byte salt; SECONDS 0 sends the whole file).
 */
public final class WhipBenchPublisher {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        List<MediaPacket> video = video(Path.of(args[args.length - 2]), Integer.parseInt(args[args.length - 1]));
        List<Thread> publishers = new ArrayList<>();
        if (mode.equals("whip")) {
            for (String key : args[2].split(",")) {
                publishers.add(new Thread(() -> publishOverWhip(URI.create(args[1]), key, video)));
            }
        } else {
            byte[] material = HexFormat.of().parseHex(args[2]);
            SrtpKeys keys = new SrtpKeys(java.util.Arrays.copyOfRange(material, 0, 16), java.util.Arrays.copyOfRange(material, 16, 30),
                    new byte[16], new byte[14]);
            for (String port : args[1].split(",")) {
                publishers.add(new Thread(() -> publishSrtp(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), keys, video)));
            }
        }
        publishers.forEach(Thread::start);
        for (Thread publisher : publishers) {
            publisher.join();
        }
        System.out.println("published " + publishers.size());
    }

    private static List<MediaPacket> video(Path flv, int seconds) throws Exception {
        return FlvFile.packets(flv).stream().filter(p -> p.codec() == Codec.H264)
                .filter(p -> seconds == 0 || p.timeBase().rescale(p.pts(), TimeBase.MILLISECONDS) < seconds * 1000L)
                .toList();
    }

    private static void publishOverWhip(URI whip, String key, List<MediaPacket> video) {
        HttpClient http = HttpClient.newHttpClient();
        try (WhipTestPublisher publisher = new WhipTestPublisher()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(whip).header("Content-Type", "application/sdp")
                    .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(publisher.offer())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 201) {
                throw new IllegalStateException("WHIP answered " + answer.statusCode() + ": " + answer.body());
            }
            publisher.connect(answer.body());
            publisher.stream(video, index -> false);
            Thread.sleep(300); // the last NACKs' answers
            http.send(HttpRequest.newBuilder(whip.resolve(answer.headers().firstValue("Location").orElseThrow())).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void publishSrtp(InetSocketAddress receiver, SrtpKeys keys, List<MediaPacket> video) {
        try (WhipTestPublisher publisher = new WhipTestPublisher()) {
            publisher.useKeys(receiver, keys);
            publisher.stream(video, index -> false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private WhipBenchPublisher() {
    }
}
