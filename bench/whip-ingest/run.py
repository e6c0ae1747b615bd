#!/usr/bin/env python3
"""bench/whip-ingest: the origin's WebRTC ingest (WHIP) against ffmpeg receiving the same SRTP.

The same recorded 1080p30 H.264 (x264 6 Mb/s, no B-frames, as WebRTC senders make it) is sent as
RTP by N publishers (WhipBenchPublisher, a JVM of their own, real time) (a) over WHIP to an origin
whose pipeline only counts frames (WhipIngestBench, one JVM for all N: ICE, DTLS, SRTP, reorder
buffer, NACK/PLI/reports, H.264 depacketizing) and (b) as SRTP with a fixed key to N
`ffmpeg -i stream.sdp -c copy -f null` (the key in the SDP's a=crypto: SRTP, RTP demuxing, H.264
depacketizing), interleaved round by round. Each side sends a short and a whole publish; the
difference is what the media costs, without set-up (our DTLS handshakes, ffmpeg's start). Receiver
CPU only; ours after two whole warm-up publishes (JIT), the JVM's idle CPU over as long taken off.

Usage: bench/whip-ingest/run.py [--streams N] [--seconds S] [--short S] [--rounds R]   (from the repository root)
Writes bench/whip-ingest/results.md and the whip-ingest section of BENCHMARKS.md.
"""
import argparse
import base64
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from java_bench import build, run  # noqa: E402
from write_section import write_section  # noqa: E402
WORK = ROOT / "bench" / "target" / "whip-ingest"
KEY = bytes(range(30)).hex()  # 16-byte SRTP key, then the 14-byte salt


def anchor(ffmpeg, classpath, source, streams, seconds, first_port):
    """N ffmpeg SRTP receivers, fed by the publishers' JVM; returns the receivers' CPU seconds."""
    inline = base64.b64encode(bytes.fromhex(KEY)).decode()
    receivers = []
    for i in range(streams):
        sdp = WORK / f"receiver{i}.sdp"
        sdp.write_text("\r\n".join(["v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=bench", "c=IN IP4 127.0.0.1", "t=0 0",
                                    f"m=video {first_port + 2 * i} RTP/SAVP 108", "a=rtpmap:108 H264/90000",
                                    "a=fmtp:108 packetization-mode=1",
                                    f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{inline}", ""]))
        log = open(WORK / f"receiver{i}.log", "w")
        receivers.append(subprocess.Popen(
            [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-protocol_whitelist", "file,udp,rtp,srtp",
             "-i", str(sdp), "-c", "copy", "-f", "null", "-"], stdout=subprocess.DEVNULL, stderr=log))
    time.sleep(1)
    ports = ",".join(str(first_port + 2 * i) for i in range(streams))
    run(["java", "-Xmx512m", "-cp", classpath, "dev.vcdn.bench.WhipBenchPublisher", "srtp", ports, KEY, str(source), str(seconds)])
    time.sleep(0.5)
    cpu = 0.0
    for receiver in receivers:
        os.kill(receiver.pid, signal.SIGINT)  # not Popen.send_signal: it may reap the process, and its usage with it
        _, status, usage = os.wait4(receiver.pid, 0)
        receiver.returncode = status
        cpu += usage.ru_utime + usage.ru_stime
    return cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--short", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    classpath, ffmpeg = build(WORK)
    source = WORK / f"source-1080p30-6M-{args.seconds}s.flv"
    if not source.exists():
        run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
             "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6000k", "-maxrate", "6000k", "-bufsize", "6000k",
             "-g", "60", "-bf", "0", "-t", str(args.seconds), "-f", "flv", str(source)])
    expected_frames = args.seconds * 30

    ours, theirs = [], []
    for round_number in range(1, args.rounds + 1):
        output = run(["java", "-Xmx512m", "-cp", classpath, "dev.vcdn.bench.WhipIngestBench", str(args.streams), str(source),
                      str(args.short)])
        measured = {}
        for part in ("short", "whole"):
            cpu, wall, idle = map(float, re.search(
                part + r": ingest cpu ([0-9.]+) s over ([0-9.]+) s wall; idle cpu ([0-9.]+) s", output).groups())
            measured[part] = (cpu - idle, wall)
        frames = [int(n) for n in re.findall(r"=(\d+)", re.search(r"^frames \{.*}", output, re.M).group(0))]
        nacked, lost = re.search(r"nacked (\d+) lost (\d+)", output).groups()
        if len(frames) != args.streams or min(frames) != expected_frames or int(lost) != 0:
            sys.exit(f"a stream came short: frames {frames} of {expected_frames}, lost {lost}")
        ours.append(measured)
        print(f"round {round_number} ours: short {measured['short'][0]:.2f} s CPU, whole {measured['whole'][0]:.2f} s CPU "
              f"over {measured['whole'][1]:.2f} s; frames {frames}, nacked {nacked}, lost {lost}", flush=True)
        short_cpu = anchor(ffmpeg, classpath, source, args.streams, args.short, 19700)
        whole_cpu = anchor(ffmpeg, classpath, source, args.streams, 0, 19700)
        theirs.append({"short": short_cpu, "whole": whole_cpu})
        print(f"round {round_number} ffmpeg receivers: short {short_cpu:.2f} s CPU, whole {whole_cpu:.2f} s CPU", flush=True)

    media = args.streams * (args.seconds - args.short)
    ours_steady = statistics.median(m["whole"][0] - m["short"][0] for m in ours)
    theirs_steady = statistics.median(t["whole"] - t["short"] for t in theirs)
    ours_whole = statistics.median(m["whole"][0] for m in ours)
    theirs_whole = statistics.median(t["whole"] for t in theirs)
    version = run([ffmpeg, "-hide_banner", "-version"]).splitlines()[0]
    table = "\n".join([
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; {version}.",
        f"{args.streams} publishers x {args.seconds} s (and x {args.short} s) of 1080p30 H.264 (6 Mb/s, no B-frames) as RTP in "
        f"real time, {args.rounds} interleaved rounds, medians; every frame arrived at the origin, 0 packets lost.",
        "",
        "| receiver | CPU s, whole publish | CPU ms per media s per stream, steady (whole - short) |",
        "| --- | --- | --- |",
        f"| origin: WHIP (ICE, DTLS, SRTP, reorder, RTCP, depacketize), JVM idle CPU taken off | {ours_whole:.2f} | "
        f"{1000 * ours_steady / media:.1f} |",
        f"| ffmpeg: SRTP from an SDP's a=crypto, RTP demux, -c copy -f null | {theirs_whole:.2f} | {1000 * theirs_steady / media:.1f} |",
        "",
        f"- CPU of ours / CPU of ffmpeg's receivers, steady: **{ours_steady / theirs_steady:.2f}**; whole publishes "
        f"(our DTLS handshakes, ffmpeg's start): {ours_whole / theirs_whole:.2f} (lower is better)",
    ]) + "\n"
    print("\n" + table)
    (ROOT / "bench" / "whip-ingest" / "results.md").write_text(table)
    write_section("whip-ingest", table)


if __name__ == "__main__":
    main()
