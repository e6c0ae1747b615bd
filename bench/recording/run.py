#!/usr/bin/env python3
"""bench/recording: what recording costs the origin, and how an edge serves recordings.

Usage (from the repository root): bench/recording/run.py [--rounds 3] [--window 30] [--seconds 10]

1. Recording cost: the packaged origin takes a 1080p30 publisher (x264, 2 s GOPs, AAC, looped with
   `-c copy` over RTMP by the bundled ffmpeg) on a channel without and then with the recording
   feature (disk store), alternating which goes first per round; the origin's CPU (utime+stime from
   /proc) over the same window after a warm-up, and what recording wrote. Anchor: the same origin
   not recording.
2. VOD throughput: nginx serves 64 recorded 1 MB segments from disk (sendfile, the Cache-Control
   the origin sends); an edge node has that nginx as its origin and serves them from its recordings'
   cache after one fetch each. wrk on loopback asks each server for the 64 in turn. Anchor: nginx.
Needs Debian's nginx and wrk. Writes bench/recording/results.md and the recording section of BENCHMARKS.md.
"""
import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from write_section import write_section  # noqa: E402
from local_servers import admin, fetch  # noqa: E402
from java_bench import build  # noqa: E402

_spec = importlib.util.spec_from_file_location("edge_serve", ROOT / "bench" / "edge-serve" / "run.py")
edge_serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(edge_serve)

WORK = ROOT / "bench" / "target" / "recording"
ORIGIN_JAR = ROOT / "origin" / "target" / "origin.jar"
TOKEN = "bench-admin-token-0123456789abcdef"
TICK = os.sysconf("SC_CLK_TCK")
WARMUP = 12
SEGMENTS = 64
SEGMENT_BYTES = 1024 * 1024


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def thread_cpu_seconds(pid, prefix):
    """utime+stime of the process's threads whose name starts with prefix (/proc keeps 15 characters of it)."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if (task / "comm").read_text().strip().startswith(prefix[:15]):
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / TICK
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def metric(port, name):
    status, body = fetch(f"http://127.0.0.1:{port}/metrics")
    match = re.search(rf"^{name}(?:{{[^}}]*}})? ([0-9.eE+]+)$", body.decode(), re.M) if status == 200 else None
    return float(match.group(1)) if match else 0.0


def source_file(ffmpeg):
    source = WORK / "source-1080p30.flv"
    if not source.exists():
        subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                        "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
                        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                        "-c:v", "libx264", "-preset", "veryfast", "-b:v", "4500k", "-maxrate", "4500k", "-bufsize", "9000k",
                        "-g", "60", "-bf", "2", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-t", "30",
                        "-f", "flv", str(source)], check=True)
    return source


def start_origin(data, http_port, rtmp_port):
    env = dict(os.environ, VCDN_HTTP_HOST="127.0.0.1", VCDN_HTTP_PORT=str(http_port), VCDN_RTMP_HOST="127.0.0.1",
               VCDN_RTMP_PORT=str(rtmp_port), VCDN_SRT_HOST="127.0.0.1", VCDN_SRT_PORT=str(edge_serve.free_port()),
               VCDN_WHIP_HOST="127.0.0.1", VCDN_WHIP_PORT=str(edge_serve.free_port()), VCDN_DATA_DIR=str(data),
               VCDN_ADMIN_TOKEN=TOKEN, VCDN_HLS_RECONNECT_GRACE="1s", VCDN_CLUSTER_PORT=str(edge_serve.free_port()),
               VCDN_CLUSTER_NAME=f"bench-recording-{os.getpid()}", MALLOC_ARENA_MAX="2")
    log = open(WORK / "origin.log", "w")
    process = subprocess.Popen(["java", "-jar", str(ORIGIN_JAR)], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while fetch(f"http://127.0.0.1:{http_port}/ready")[0] != 200:
        if time.monotonic() > deadline or process.poll() is not None:
            sys.exit(f"origin did not start; see {WORK / 'origin.log'}")
        time.sleep(0.5)
    return process


def renditions_live(http_port, channel):
    status, body = fetch(f"http://127.0.0.1:{http_port}/live/{channel}/master.m3u8")
    return body.decode().count("#EXT-X-STREAM-INF") if status == 200 else 0


def measure(ffmpeg, source, http_port, rtmp_port, channel, key, window):
    """The origin's cores over window seconds of one 1080p publish, after the warm-up; bytes recorded meanwhile."""
    publisher = subprocess.Popen([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1",
                                  "-i", str(source), "-c", "copy", "-f", "flv",
                                  f"rtmp://127.0.0.1:{rtmp_port}/live/{key}"])
    try:
        time.sleep(WARMUP)
        variants = renditions_live(http_port, channel)
        pid = ORIGIN.pid
        cpu_before, bytes_before, at = cpu_seconds(pid), metric(http_port, "vcdn_recording_bytes_total"), time.monotonic()
        writers_before = thread_cpu_seconds(pid, "vcdn-recordings")
        time.sleep(window)
        elapsed = time.monotonic() - at
        cores = (cpu_seconds(pid) - cpu_before) / elapsed
        writer_cores = (thread_cpu_seconds(pid, "vcdn-recordings") - writers_before) / elapsed
        written = metric(http_port, "vcdn_recording_bytes_total") - bytes_before
        return {"cores": cores, "writer_cores": writer_cores, "written_mbps": written * 8 / window / 1e6,
                "variants": variants}
    finally:
        publisher.send_signal(signal.SIGINT)
        try:
            publisher.wait(10)
        except subprocess.TimeoutExpired:
            publisher.kill()
        time.sleep(4)  # the broadcast ends (1 s grace) before the next publish


def recording_cost(args):
    global ORIGIN
    shutil.rmtree(WORK / "data", ignore_errors=True)
    ffmpeg = FFMPEG
    source = source_file(ffmpeg)
    http_port, rtmp_port = edge_serve.free_port(), edge_serve.free_port()
    ORIGIN = start_origin(WORK / "data", http_port, rtmp_port)
    try:
        keys = {name: admin(http_port, TOKEN, "POST", "/api/channels", {"name": name, "recording": name == "kept"})["streamKey"]
                for name in ("plain", "kept")}
        results = {"plain": [], "kept": []}
        for round_index in range(args.rounds):
            order = ["plain", "kept"] if round_index % 2 == 0 else ["kept", "plain"]
            for channel in order:
                results[channel].append(measure(ffmpeg, source, http_port, rtmp_port, channel, keys[channel], args.window))
                print(channel, results[channel][-1], flush=True)
        recordings = admin(http_port, TOKEN, "GET", "/api/recordings?channel=kept")
        stopped = metric(http_port, "vcdn_recording_stopped_total")
    finally:
        ORIGIN.terminate()
        ORIGIN.wait(30)
    disk = sum(p.stat().st_size for p in (WORK / "data" / "recordings").rglob("*") if p.is_file())
    plain = statistics.median(r["cores"] for r in results["plain"])
    kept = statistics.median(r["cores"] for r in results["kept"])
    lines = [f"Source: 1080p30 x264 4.5 Mb/s, 2 s GOPs, AAC, looped over RTMP; {WARMUP} s warm-up, then a "
             f"{args.window} s window per publish, {args.rounds} alternating rounds, medians; disk store.", "",
             "| channel | origin cores | of which the recording writers' threads | variants in the master | recorded Mb/s "
             "| every round's cores |", "| --- | --- | --- | --- | --- | --- |"]
    for name, label in (("plain", "not recording (anchor)"), ("kept", "recording")):
        runs = results[name]
        lines.append(f"| {label} | {statistics.median(r['cores'] for r in runs):.3f} | "
                     f"{statistics.median(r['writer_cores'] for r in runs):.4f} | {runs[-1]['variants']} | "
                     f"{statistics.median(r['written_mbps'] for r in runs):.2f} | "
                     + ", ".join(f"{r['cores']:.3f}" for r in runs) + " |")
    writers = statistics.median(r["writer_cores"] for r in results["kept"])
    paired = [k["cores"] / p["cores"] for k, p in zip(results["kept"], results["plain"])]
    lines += ["", f"- recording / not recording origin CPU = **{kept / plain:.3f}** (goal < 1.03); per round "
              + ", ".join(f"{r:.3f}" for r in paired),
              f"- the recording writers' own threads (file writes and syncs): {writers:.4f} cores, "
              f"**{writers / plain * 100:.2f} %** of the origin's CPU without recording",
              f"- {len(recordings)} recordings listed, {disk / 1e6:.0f} MB on disk, recordings stopped: {stopped:.0f}"]
    return "\n".join(lines)


def vod_throughput(args):
    root = Path(tempfile.mkdtemp(prefix="recording-vod-"))
    root.chmod(0o755)
    edge_serve.write_files(root)
    folder = root / "recordings" / "bench.b1" / "720p"
    folder.mkdir(parents=True)
    paths = []
    for msn in range(SEGMENTS):
        name = f"{msn}_{1796644800000 + msn * 2000}_2000_0.m4s"
        (folder / name).write_bytes(os.urandom(SEGMENT_BYTES))
        paths.append(f"/recordings/bench.b1/720p/{name}")
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    script = root / "segments.lua"
    script.write_text("local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\nlocal i = 0\n"
                      "request = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n")
    nginx_port, edge_port = edge_serve.free_port(), edge_serve.free_port()
    servers = {"nginx": nginx_port, "edge": edge_port}
    results = {name: [] for name in servers}
    started = []
    try:
        started.append(edge_serve.start_nginx(root, nginx_port))
        # The recordings' share of the cache holds the 64 segments (the default share, an eighth of 512 MiB, does not).
        started.append(edge_serve.start_edge(nginx_port, edge_port, {"VCDN_CACHE_RECORDING_BYTES": "160MiB"}))
        for path in paths:
            if edge_serve.wait_for(f"http://127.0.0.1:{edge_port}{path}") != (root / path.lstrip("/")).read_bytes():
                sys.exit(f"edge answered {path} with other bytes")
        for port in servers.values():
            run_wrk(port, script, 3, args)
        for round_index in range(args.rounds):
            order = list(servers.items()) if round_index % 2 == 0 else list(reversed(servers.items()))
            for name, port in order:
                results[name].append(run_wrk(port, script, args.seconds, args))
        origin_fetches = metric(edge_port, 'vcdn_edge_upstream_fetches_total\\{[^}]*kind="recording"[^}]*source="origin"[^}]*\\}')
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(30)
        shutil.rmtree(root, ignore_errors=True)
    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    lines = [f"{SEGMENTS} distinct 1 MB segments asked in turn; {nginx_version} (sendfile) from disk; the edge (java -Xmx1g, "
             f"cache.recording-bytes 160 MiB) from its recordings' cache; wrk -t2 -c{args.connections} -d{args.seconds}s, {args.rounds} interleaved rounds, "
             "medians.", "", "| server | requests/s | MB/s | p50 ms | p99 ms |", "| --- | --- | --- | --- | --- |"]
    medians = {}
    for name in servers:
        runs = results[name]
        medians[name] = statistics.median(r for r, _ in runs)
        lines.append(f"| {name} | {medians[name]:,.0f} | {medians[name] * SEGMENT_BYTES / 1e6:,.0f} | "
                     f"{statistics.median(l['50'] for _, l in runs):.2f} | {statistics.median(l['99'] for _, l in runs):.2f} |")
    lines += ["", f"- VOD segments: edge / nginx requests per second = **{medians['edge'] / medians['nginx']:.2f}** (goal >= 1.0)",
              f"- the edge fetched recording objects from its origin {origin_fetches:.0f} times for {SEGMENTS} segments"]
    return "\n".join(lines)


def run_wrk(port, script, seconds, args):
    out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        sys.exit(f"error answers:\n{out}")
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {}
    for pct in ("50", "99"):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out).groups()
        latency[pct] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return requests, latency


COST_HEADING = "**What recording costs the origin**"
VOD_HEADING = "**VOD segments at the edge**"


def previous_halves():
    """The two halves of the last results.md, for a run of one half: (cost, vod)."""
    results = ROOT / "bench" / "recording" / "results.md"
    text = results.read_text() if results.exists() else ""
    if COST_HEADING not in text or VOD_HEADING not in text:
        return "(not run yet)", "(not run yet)"
    cost, vod = text.split(COST_HEADING, 1)[1].split(VOD_HEADING, 1)
    return cost, vod


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window", type=int, default=30, help="seconds of origin CPU measured per publish")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--part", choices=["all", "cost", "vod"], default="all",
                        help="run one half; the other half's figures are kept from the last results.md")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    for program in ("nginx", "wrk"):
        if shutil.which(program) is None:
            sys.exit(f"{program} is missing: apt-get install nginx wrk")
    WORK.mkdir(parents=True, exist_ok=True)
    global FFMPEG
    _, FFMPEG = build(WORK)  # the jars of the code as it is now, whichever half runs
    machine = f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}."
    kept = previous_halves()
    cost = recording_cost(args) if args.part in ("all", "cost") else kept[0]
    vod = vod_throughput(args) if args.part in ("all", "vod") else kept[1]
    text = "\n".join([machine, "", COST_HEADING, "", cost.strip(), "", VOD_HEADING, "", vod.strip()]) + "\n"
    print("\n" + text)
    if not args.no_write:
        (ROOT / "bench" / "recording" / "results.md").write_text(text)
        write_section("recording", text)


if __name__ == "__main__":
    main()
