#!/usr/bin/env python3
"""bench/transcode: the origin's transcoder against the ffmpeg program of the same FFmpeg build.

The same recorded 1080p30 source goes through the same 720p/480p/360p x264 ladder (and a
variant with an extra 480p AV1 rung), (a) in-process by our pipeline (TranscodeBench, one JVM per
run) and (b) by the bundled `ffmpeg` CLI with one split/scale filter graph, interleaved round by
round. Each run is measured from outside with wait4(): wall time, CPU time and peak RSS.

Each side runs a short and a long recording; the difference between the two is the steady-state
cost of the extra media, free of either side's start (the JVM's start and FFmpeg's loading for
ours, which a running origin pays once, not per stream). Whole-run figures are reported too.

Usage: bench/transcode/run.py [--rounds N] [--seconds S]   (from the repository root)
Writes bench/transcode/results.md and the transcode section of BENCHMARKS.md.
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
WORK = ROOT / "bench" / "target" / "transcode"
LADDER = [("720p", 1280, 720, 3000), ("480p", 854, 480, 1400), ("360p", 640, 360, 800)]
AV1 = ("480p-av1", 854, 480, 840)
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "high", "-bf", "0",
        "-force_key_frames", "source", "-sc_threshold", "0"]


def measured(cmd):
    """Runs cmd; returns (wall seconds, cpu seconds, peak RSS MiB, stdout)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{output}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def cli_command(ffmpeg, source, av1):
    rungs = LADDER + ([AV1] if av1 else [])
    labels = [f"[s{i}]" for i in range(len(rungs))]
    graph = f"[0:v]split={len(rungs)}{''.join(labels)};" + ";".join(
        f"{labels[i]}scale={w}:{h}:flags=bilinear[o{i}]" for i, (_, w, h, _) in enumerate(rungs))
    cmd = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(source), "-filter_complex", graph]
    for i, (name, _, _, kbps) in enumerate(rungs):
        cmd += ["-map", f"[o{i}]"]
        if name.endswith("av1"):
            cmd += ["-c:v", "libsvtav1", "-preset", "10", "-svtav1-params", "rtc=1:rc=2:scd=0", "-force_key_frames", "source"]
        else:
            cmd += X264 + ["-maxrate", f"{kbps * 3 // 2}k", "-bufsize", f"{kbps * 3 // 2}k"]
        cmd += ["-b:v", f"{kbps}k", "-an", "-f", "null", "-"]
    return cmd


def source_file(ffmpeg, seconds):
    source = WORK / f"source-1080p30-{seconds}s.flv"
    if not source.exists():
        run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
             "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
             "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6000k", "-g", "60", "-bf", "2",
             "-c:a", "aac", "-t", str(seconds), "-f", "flv", str(source)])
    return source


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=40, help="the long source; the short one is a quarter of it")
    args = parser.parse_args()
    lengths = {"short": args.seconds // 4, "long": args.seconds}

    classpath, ffmpeg = build(WORK)
    java = ["java", "-Xmx1g", "-cp", classpath, "dev.vcdn.bench.TranscodeBench"]
    version = run([ffmpeg, "-hide_banner", "-version"]).splitlines()[0]
    sources = {name: source_file(ffmpeg, seconds) for name, seconds in lengths.items()}

    env_note = "MALLOC_ARENA_MAX=" + os.environ.get("MALLOC_ARENA_MAX", "(unset)")
    variants = {"h264": False, "h264+av1": True}
    # (variant, who, length) -> one (wall, cpu, rss) per round, rounds in order, so that the short and
    # long runs of one round (minutes apart at most) make one steady-state figure.
    results = {}
    for round_number in range(1, args.rounds + 1):
        for variant, av1 in variants.items():
            for length, source in sources.items():
                for who in ("ours", "cli"):
                    cmd = java + [str(source), variant] if who == "ours" else cli_command(ffmpeg, source, av1)
                    wall, cpu, rss, output = measured(cmd)
                    results.setdefault((variant, who, length), []).append((wall, cpu, rss))
                    frames = re.search(r"frames \{.*}", output)
                    print(f"round {round_number} {variant:9} {length:5} {who:4}: {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
                          f"{rss:7.1f} MiB peak {frames.group(0) if frames else ''}", flush=True)

    extra = lengths["long"] - lengths["short"]
    lines = [
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; {version}; {env_note}.",
        f"Sources: {lengths['short']} s and {lengths['long']} s of 1920x1080 at 30 fps (x264, 6 Mb/s, AAC), "
        f"{args.rounds} interleaved rounds, medians.",
        "",
        f"Steady state: what the {extra} s more of the long source cost (long run minus short run of the same round), "
        "so neither side's start counts:",
        "",
        "| ladder | run | realtime factor | CPU s per media s |",
        "| --- | --- | --- | --- |",
    ]
    steady = {}
    for variant in variants:
        for who in ("ours", "cli"):
            longs, shorts = results[(variant, who, "long")], results[(variant, who, "short")]
            speed = statistics.median(extra / (l[0] - s[0]) for l, s in zip(longs, shorts))
            cpu = statistics.median((l[1] - s[1]) / extra for l, s in zip(longs, shorts))
            steady[(variant, who)] = speed
            lines.append(f"| {variant} | {label(who)} | {speed:.2f}x | {cpu:.2f} |")
    lines += [
        "",
        f"Whole runs of the {lengths['long']} s source, process start included (the JVM's start and FFmpeg's loading "
        "count against the pipeline):",
        "",
        "| ladder | run | wall s | realtime factor | CPU s per media s | peak RSS MiB |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    whole = {}
    for variant in variants:
        for who in ("ours", "cli"):
            runs = results[(variant, who, "long")]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rss = statistics.median(r[2] for r in runs)
            whole[(variant, who)] = wall
            lines.append(f"| {variant} | {label(who)} | {wall:.2f} | {lengths['long'] / wall:.2f}x | "
                         f"{cpu / lengths['long']:.2f} | {rss:.0f} |")
    lines.append("")
    for variant in variants:
        lines.append(f"- {variant}: pipeline throughput / CLI throughput = **{steady[(variant, 'ours')] / steady[(variant, 'cli')]:.2f}** "
                     f"in steady state; {whole[(variant, 'cli')] / whole[(variant, 'ours')]:.2f} over whole "
                     f"{lengths['long']} s runs")
    table = "\n".join(lines) + "\n"
    print("\n" + table)

    (ROOT / "bench" / "transcode" / "results.md").write_text(table)
    write_section("transcode", table)


def label(who):
    return "origin pipeline" if who == "ours" else "ffmpeg CLI (same build)"


if __name__ == "__main__":
    main()
