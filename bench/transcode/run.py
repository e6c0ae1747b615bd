#!/usr/bin/env python3
"""bench/transcode: the origin's transcoder against the ffmpeg program of the same FFmpeg build.

The same recorded 1080p30 source goes through the same 720p/480p/360p x264 ladder (and a
variant with an extra 480p AV1 rung), (a) in-process by our pipeline (TranscodeBench, one JVM per
run) and (b) by the bundled `ffmpeg` CLI with one split/scale filter graph, interleaved round by
round. Each run is measured from outside with wait4(): wall time, CPU time and peak RSS.

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
from write_section import write_section  # noqa: E402
WORK = ROOT / "bench" / "target" / "transcode"
LADDER = [("720p", 1280, 720, 3000), ("480p", 854, 480, 1400), ("360p", 640, 360, 800)]
AV1 = ("480p-av1", 854, 480, 840)
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "high", "-bf", "0",
        "-force_key_frames", "source", "-sc_threshold", "0"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, cwd=ROOT, **kw).stdout


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()

    run(["mvn", "-B", "-q", "-DskipTests", "install"])
    classpath_file = WORK / "classpath.txt"
    WORK.mkdir(parents=True, exist_ok=True)
    run(["mvn", "-B", "-q", "-pl", "bench", "dependency:build-classpath", f"-Dmdep.outputFile={classpath_file}"])
    classpath = f"{ROOT / 'bench/target/bench-0.1.0-SNAPSHOT.jar'}:{classpath_file.read_text().strip()}"
    java = ["java", "-Xmx1g", "-cp", classpath, "dev.vcdn.bench.TranscodeBench"]
    ffmpeg = run(java + ["--ffmpeg-path"]).strip().splitlines()[-1]
    version = run([ffmpeg, "-hide_banner", "-version"]).splitlines()[0]

    source = WORK / f"source-1080p30-{args.seconds}s.flv"
    if not source.exists():
        run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
             "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
             "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6000k", "-g", "60", "-bf", "2",
             "-c:a", "aac", "-t", str(args.seconds), "-f", "flv", str(source)])

    env_note = "MALLOC_ARENA_MAX=" + os.environ.get("MALLOC_ARENA_MAX", "(unset)")
    variants = {"h264": False, "h264+av1": True}
    results = {(v, who): [] for v in variants for who in ("ours", "cli", "ours-in-process")}
    for round_number in range(1, args.rounds + 1):
        for variant, av1 in variants.items():
            for who in ("ours", "cli"):
                cmd = java + [str(source), variant] if who == "ours" else cli_command(ffmpeg, source, av1)
                wall, cpu, rss, output = measured(cmd)
                results[(variant, who)].append((wall, cpu, rss))
                frames = re.search(r"frames \{.*}", output)
                inside = re.search(r"transcoded in ([0-9.]+) s", output)
                if inside:
                    results[(variant, "ours-in-process")].append((float(inside.group(1)), 0, 0))
                print(f"round {round_number} {variant:9} {who:4}: {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
                      f"{rss:7.1f} MiB peak {frames.group(0) if frames else ''}", flush=True)

    lines = [
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; {version}; {env_note}.",
        f"Source: {args.seconds} s of 1920x1080 at 30 fps (x264, 6 Mb/s, AAC), {args.rounds} interleaved rounds, medians.",
        "",
        "| ladder | run | wall s | realtime factor | CPU s per media s | peak RSS MiB |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    ratios = []
    for variant in variants:
        medians = {}
        for who in ("ours", "cli"):
            wall = statistics.median(r[0] for r in results[(variant, who)])
            cpu = statistics.median(r[1] for r in results[(variant, who)])
            rss = statistics.median(r[2] for r in results[(variant, who)])
            medians[who] = wall
            label = "origin pipeline" if who == "ours" else "ffmpeg CLI (same build)"
            lines.append(f"| {variant} | {label} | {wall:.2f} | {args.seconds / wall:.2f}x | {cpu / args.seconds:.2f} | {rss:.0f} |")
        in_process = statistics.median(r[0] for r in results[(variant, "ours-in-process")])
        ratios.append(f"- {variant}: pipeline throughput / CLI throughput = **{medians['cli'] / medians['ours']:.2f}** "
                      f"(whole JVM run); {medians['cli'] / in_process:.2f} counting only the transcoding "
                      f"({in_process:.2f} s, {args.seconds / in_process:.2f}x real time), without JVM start and native loading")
    lines += [""] + ratios
    table = "\n".join(lines) + "\n"
    print("\n" + table)

    (ROOT / "bench" / "transcode" / "results.md").write_text(table)
    write_section("transcode", table)


if __name__ == "__main__":
    main()
