#!/usr/bin/env python3
"""bench/srt-ingest: the origin's SRT listener and TS demuxer against ffmpeg's own SRT listener (libsrt).

The same recorded 1080p30 MPEG-TS file (x264 6 Mb/s + AAC) is sent by N publishers (the ffmpeg
program of our build, -re -c copy) (a) to an origin whose pipeline only counts frames
(SrtIngestBench, one JVM for all N) and (b) to N `ffmpeg -i srt://...?mode=listener -c copy -f null`
receivers, interleaved round by round. Receiver CPU only: the publishers are separate processes
in both. Ours is measured after a warm-up publish (JIT); the JVM's CPU over the same time idle
afterwards is reported and taken off.

Usage: bench/srt-ingest/run.py [--streams N] [--seconds S] [--rounds R]   (from the repository root)
Writes bench/srt-ingest/results.md and the srt-ingest section of BENCHMARKS.md.
"""
import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from java_bench import build, run  # noqa: E402
from write_section import write_section  # noqa: E402
WORK = ROOT / "bench" / "target" / "srt-ingest"


def anchor(ffmpeg, source, streams, first_port):
    """N ffmpeg SRT listeners, each fed by one publisher; returns the listeners' CPU seconds and wall time."""
    listeners = []
    for i in range(streams):
        listeners.append(subprocess.Popen(
            [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-i", f"srt://127.0.0.1:{first_port + i}?mode=listener",
             "-c", "copy", "-f", "null", "-"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(0.5)
    started = time.monotonic()
    publishers = [subprocess.Popen(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-i", str(source), "-c", "copy",
         "-f", "mpegts", f"srt://127.0.0.1:{first_port + i}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for i in range(streams)]
    for publisher in publishers:
        publisher.wait()
    cpu = 0.0
    for listener in listeners:
        _, _, usage = os.wait4(listener.pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
    return cpu, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    classpath, ffmpeg = build(WORK)
    source = WORK / f"source-1080p30-6M-{args.seconds}s.ts"
    if not source.exists():
        run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
             "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
             "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6000k", "-maxrate", "6000k", "-bufsize", "6000k",
             "-g", "60", "-c:a", "aac", "-t", str(args.seconds), "-f", "mpegts", str(source)])
    expected_frames = args.seconds * 30

    ours, theirs = [], []
    fewest = expected_frames
    for round_number in range(1, args.rounds + 1):
        output = run(["java", "-Xmx512m", "-cp", classpath, "dev.vcdn.bench.SrtIngestBench", str(args.streams), str(source), ffmpeg])
        cpu, wall, idle = map(float, re.search(r"ingest cpu ([0-9.]+) s over ([0-9.]+) s wall; idle cpu ([0-9.]+) s", output).groups())
        frames = [int(n) for n in re.findall(r"=(\d+)", re.search(r"frames \{.*}", output).group(0))]
        lost, dropped = re.search(r"lost (\d+) dropped (\d+)", output).groups()
        if int(dropped) != 0:
            sys.exit(f"the origin gave up on {dropped} packets")
        ours.append((cpu, idle, wall))
        print(f"round {round_number} ours: {cpu:.2f} s CPU ({idle:.2f} s idle) over {wall:.2f} s, frames {frames} "
              f"(file has {expected_frames}), lost {lost}, dropped {dropped}", flush=True)
        # A libsrt caller in live mode ends without sending what its send buffer still holds; more than
        # half a second missing would be ours.
        if len(frames) != args.streams or min(frames) < expected_frames - 15:
            sys.exit(f"a stream came short: {frames}")
        fewest = min(fewest, min(frames))
        anchor_cpu, anchor_wall = anchor(ffmpeg, source, args.streams, 19600)
        theirs.append(anchor_cpu)
        print(f"round {round_number} ffmpeg listeners: {anchor_cpu:.2f} s CPU over {anchor_wall:.2f} s", flush=True)

    media = args.streams * args.seconds
    ours_cpu = statistics.median(c for c, _, _ in ours)
    ours_net = statistics.median(c - i for c, i, _ in ours)
    theirs_cpu = statistics.median(theirs)
    version = run([ffmpeg, "-hide_banner", "-version"]).splitlines()[0]
    table = "\n".join([
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; {version}.",
        f"{args.streams} publishers x {args.seconds} s of 1080p30 MPEG-TS (6 Mb/s video + AAC), -re -c copy, "
        f"{args.rounds} interleaved rounds, medians. Fewest frames of a stream at the origin: {fewest} of {expected_frames} "
        "(a live-mode libsrt caller drops its last buffered packets when it ends); 0 packets dropped by the origin.",
        "",
        "| receiver | CPU s | CPU ms per media s per stream |",
        "| --- | --- | --- |",
        f"| origin (SRT listener + TS demuxer, one JVM) | {ours_cpu:.2f} | {1000 * ours_cpu / media:.1f} |",
        f"| origin, the JVM's idle CPU over as long taken off | {ours_net:.2f} | {1000 * ours_net / media:.1f} |",
        f"| ffmpeg listeners (libsrt 1.5.6, -c copy -f null) | {theirs_cpu:.2f} | {1000 * theirs_cpu / media:.1f} |",
        "",
        f"- CPU of ours / CPU of ffmpeg's listeners: **{ours_net / theirs_cpu:.2f}** without the idle JVM, "
        f"{ours_cpu / theirs_cpu:.2f} with it (lower is better)",
    ]) + "\n"
    print("\n" + table)
    (ROOT / "bench" / "srt-ingest" / "results.md").write_text(table)
    write_section("srt-ingest", table)


if __name__ == "__main__":
    main()
