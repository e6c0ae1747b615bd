#!/usr/bin/env python3
"""bench/channels: how many live channels one origin holds, against as many ffmpeg CLI processes.

The packaged origin (java -jar origin/target/origin.jar) takes N publishers at once, each a
recorded 720p30 stream (x264, 2 s GOP, AAC) looped and sent over RTMP by the bundled ffmpeg with
`-c copy` (so publishing costs next to nothing). Two kinds of channel:

  laddered     the source passed through plus 480p/360p/160p H.264 rungs (the origin's default
               ladder below 720p), audio passed through;
  source-only  the channel allows the source rung only ("renditions": ["source"]).

After a warm-up, every rendition of every channel is checked over a measurement window: it is
live when its media playlist gained complete segments for the whole window (one segment of
slack for where the window's edges fall), its newest segment ends less than LAG seconds behind
the wall clock (PROGRAM-DATE-TIME: a rendition running slower than real time falls behind), and
it is still in the multivariant playlist. The origin's CPU (utime+stime from /proc) over the
window gives the CPU per channel; frames the rungs dropped because they fell behind are read
from /metrics; the publishers' own CPU is measured and reported beside it.

The anchor, at the same N: N ffmpeg CLI processes of the same FFmpeg build, each reading the
same recording in real time (-re) and writing the same ladder as fMP4 HLS with 2 s segments to
tmpfs (the source copied, the rungs scaled with bilinear and encoded with the same x264
settings, keyframes at the source's); the same 90% rule on their playlists; their CPU summed.

N grows until the origin no longer keeps every rendition of every channel live; when every N
tried held, the capacity is reported as "at least" the largest.

Usage: bench/channels/run.py [--window S] [--laddered 1,2,...] [--source-only 10,20,...]
Writes bench/channels/results.md and the channels section of BENCHMARKS.md.
"""
import argparse
from datetime import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from java_bench import build, run  # noqa: E402
from write_section import write_section  # noqa: E402

WORK = ROOT / "bench" / "target" / "channels"
CLI_OUT = Path("/dev/shm/vcdn-bench-channels")
HTTP, RTMP, SRT, WHIP = 18480, 11935, 19000, 18189
TOKEN = "bench-admin-token-0123456789abcdef"
SEGMENT = 2.0
WARMUP = 12
LAG = 8.0
RUNGS = [("480p", 854, 480, 1400), ("360p", 640, 360, 800), ("160p", 284, 160, 250)]
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "high", "-bf", "0",
        "-force_key_frames", "source", "-sc_threshold", "0", "-threads", "1"]
TICK = os.sysconf("SC_CLK_TCK")


def http(method, path, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{HTTP}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def get(path):
    try:
        return http("GET", path)
    except OSError:
        return None


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def last_complete_msn(playlist):
    """The msn of the newest complete segment of a media playlist's text, or None."""
    if not playlist:
        return None
    sequence = re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", playlist)
    segments = len(re.findall(r"^#EXTINF:", playlist, re.M))
    if not sequence or segments == 0:
        return None
    return int(sequence.group(1)) + segments - 1


def lag_seconds(playlist):
    """How far the newest complete segment's end is behind the wall clock, from PROGRAM-DATE-TIME; None without one.
    Its tags come before its URI in any order (ours: date, parts, EXTINF; ffmpeg's: EXTINF, date)."""
    if not playlist:
        return None
    newest = None
    date = duration = None
    for line in playlist.splitlines():
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            date = datetime.fromisoformat(line.split(":", 1)[1].replace("Z", "+00:00"))
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].split(",")[0])
        elif line and not line.startswith("#"):
            if date is not None and duration is not None:
                newest = date.timestamp() + duration
            date = duration = None
    return None if newest is None else time.time() - newest


def is_live(before, after, window):
    """A rendition kept up over the window: segments for all of it (less one), and not falling behind."""
    start, _ = before
    end, lag = after
    return (start is not None and end is not None and (end - start) * SEGMENT >= window - SEGMENT
            and lag is not None and lag < LAG)


def metric(text, name):
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


def source_file(ffmpeg):
    source = WORK / "source-720p30.flv"
    if not source.exists():
        run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
             "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
             "-c:v", "libx264", "-preset", "veryfast", "-b:v", "2500k", "-maxrate", "2500k", "-bufsize", "5000k",
             "-g", "60", "-bf", "2", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-t", "30", "-f", "flv", str(source)])
    return source


class Origin:
    def __init__(self, jar):
        data = WORK / "data"
        shutil.rmtree(data, ignore_errors=True)
        env = dict(os.environ, VCDN_HTTP_HOST="127.0.0.1", VCDN_HTTP_PORT=str(HTTP), VCDN_RTMP_HOST="127.0.0.1",
                   VCDN_RTMP_PORT=str(RTMP), VCDN_SRT_HOST="127.0.0.1", VCDN_SRT_PORT=str(SRT),
                   VCDN_WHIP_HOST="127.0.0.1", VCDN_WHIP_PORT=str(WHIP), VCDN_DATA_DIR=str(data),
                   VCDN_ADMIN_TOKEN=TOKEN, VCDN_RTMP_MAX_CONNECTIONS_PER_ADDRESS="1000")
        self.log = open(WORK / "origin.log", "w")
        self.process = subprocess.Popen(["java", "-jar", str(jar)], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while get("/ready") is None:
            if time.monotonic() > deadline or self.process.poll() is not None:
                sys.exit(f"origin did not start; see {WORK / 'origin.log'}")
            time.sleep(0.5)
        self.keys = {}

    def key(self, name, features):
        if name not in self.keys:
            self.keys[name] = json.loads(http("POST", "/api/channels", dict(features, name=name)))["streamKey"]
        return self.keys[name]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)
        self.log.close()


def renditions(channel):
    master = get(f"/live/{channel}/master.m3u8")
    if not master:
        return []
    names = [line.split("/")[0] for line in master.splitlines() if line and not line.startswith("#")]
    audio = re.search(r'TYPE=AUDIO.*URI="([^/]+)/', master)
    return names + ([audio.group(1)] if audio else [])


def stop_all(processes):
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def measure_origin(origin, ffmpeg, source, kind, n, window):
    features = {"renditions": ["source"]} if kind == "source-only" else {}
    channels = [f"{kind.replace('-', '')}{i}" for i in range(n)]
    publishers = []
    for channel in channels:
        url = f"rtmp://127.0.0.1:{RTMP}/live/{origin.key(channel, features)}"
        publishers.append(subprocess.Popen([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                                            "-stream_loop", "-1", "-i", str(source), "-c", "copy", "-f", "flv", url],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.05)
    try:
        time.sleep(WARMUP)
        expected = {channel: renditions(channel) for channel in channels}
        before = {(c, r): (last_complete_msn(get(f"/live/{c}/{r}/index.m3u8")), None) for c in channels for r in expected[c]}
        metrics_before = get("/metrics") or ""
        cpu_before = cpu_seconds([origin.process.pid])
        publishers_before = cpu_seconds([p.pid for p in publishers])
        time.sleep(window)
        cpu = cpu_seconds([origin.process.pid]) - cpu_before
        publishers_cpu = cpu_seconds([p.pid for p in publishers]) - publishers_before
        metrics_after = get("/metrics") or ""
        rss = rss_mib(origin.process.pid)
        live = 0
        total = 0
        for channel in channels:
            now = renditions(channel)
            for rendition in expected[channel]:
                total += 1
                playlist = get(f"/live/{channel}/{rendition}/index.m3u8")
                if rendition in now and is_live(before[(channel, rendition)], (last_complete_msn(playlist), lag_seconds(playlist)),
                                                window):
                    live += 1
        dropped = metric(metrics_after, "vcdn_transcode_frames_dropped_total") - metric(metrics_before,
                                                                                       "vcdn_transcode_frames_dropped_total")
        encoded = metric(metrics_after, "vcdn_transcode_frames_total") - metric(metrics_before, "vcdn_transcode_frames_total")
        expected_renditions = n * (2 if kind == "source-only" else 5)
        return {"live": live, "total": max(total, expected_renditions), "cpu": cpu / window, "rss": rss,
                "dropped": dropped, "encoded": encoded, "publishers": publishers_cpu / window}
    finally:
        stop_all(publishers)
        deadline = time.monotonic() + 30
        while (get("/api/streams") or "[]") != "[]" and time.monotonic() < deadline:
            time.sleep(0.5)
        if (get("/api/streams") or "[]") != "[]":
            print(f"warning: streams still listed 30 s after the publishers of {kind} N={n} stopped", flush=True)


def cli_command(ffmpeg, source, kind, directory):
    def hls(name):
        (directory / name).mkdir(parents=True, exist_ok=True)
        return ["-f", "hls", "-hls_time", "2", "-hls_segment_type", "fmp4", "-hls_list_size", "10",
                "-hls_flags", "delete_segments+independent_segments+program_date_time",
                "-hls_fmp4_init_filename", "init.mp4", str(directory / name / "index.m3u8")]

    cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-stream_loop", "-1", "-i", str(source)]
    if kind == "laddered":
        labels = "".join(f"[s{i}]" for i in range(len(RUNGS)))
        graph = f"[0:v]split={len(RUNGS)}{labels};" + ";".join(
            f"[s{i}]scale={w}:{h}:flags=bilinear[o{i}]" for i, (_, w, h, _) in enumerate(RUNGS))
        cmd += ["-filter_complex", graph]
    cmd += ["-map", "0:v", "-map", "0:a", "-c", "copy"] + hls("source")
    if kind == "laddered":
        for i, (name, _, _, kbps) in enumerate(RUNGS):
            cmd += ["-map", f"[o{i}]"] + X264 + ["-b:v", f"{kbps}k", "-maxrate", f"{kbps * 3 // 2}k",
                                                  "-bufsize", f"{kbps * 3 // 2}k", "-an"] + hls(name)
    return cmd


def measure_cli(ffmpeg, source, kind, n, window):
    shutil.rmtree(CLI_OUT, ignore_errors=True)
    names = ["source"] + ([r[0] for r in RUNGS] if kind == "laddered" else [])
    processes = [subprocess.Popen(cli_command(ffmpeg, source, kind, CLI_OUT / str(i)), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for i in range(n)]

    def state():
        result = {}
        for i in range(n):
            for name in names:
                path = CLI_OUT / str(i) / name / "index.m3u8"
                playlist = path.read_text() if path.exists() else None
                result[(i, name)] = (last_complete_msn(playlist), lag_seconds(playlist))
        return result

    try:
        time.sleep(WARMUP)
        before = state()
        cpu_before = cpu_seconds([p.pid for p in processes])
        time.sleep(window)
        cpu = cpu_seconds([p.pid for p in processes]) - cpu_before
        after = state()
        live = sum(1 for key in before if is_live(before[key], after[key], window))
        return {"live": live, "total": len(before), "cpu": cpu / window, "rss": 0, "dropped": 0, "encoded": 0,
                "publishers": 0}
    finally:
        stop_all(processes)
        shutil.rmtree(CLI_OUT, ignore_errors=True)


def steps(text):
    return [int(x) for x in text.split(",") if x]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", type=int, default=20, help="seconds measured per step, after a 12 s warm-up")
    parser.add_argument("--laddered", default="2,4,6,7,8,9,10")
    parser.add_argument("--source-only", default="20,40,60,80")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    _, ffmpeg = build(WORK)
    jar = ROOT / "origin" / "target" / "origin.jar"
    source = source_file(ffmpeg)
    version = run([ffmpeg, "-hide_banner", "-version"]).splitlines()[0]

    rows = []
    largest = {}
    failed = {}
    origin = Origin(jar)
    try:
        for kind, counts in (("source-only", steps(args.source_only)), ("laddered", steps(args.laddered))):
            for n in counts:
                ours = measure_origin(origin, ffmpeg, source, kind, n, args.window)
                cli = measure_cli(ffmpeg, source, kind, n, args.window)
                rows.append((kind, n, ours, cli))
                print(f"{kind:11} N={n:3}: origin {ours['live']}/{ours['total']} live, {ours['cpu']:.2f} cores, "
                      f"{ours['rss']:.0f} MiB, dropped {ours['dropped']:.0f}/{ours['encoded']:.0f}, publishers "
                      f"{ours['publishers']:.2f} cores | cli {cli['live']}/{cli['total']} live, {cli['cpu']:.2f} cores", flush=True)
                if ours["live"] == ours["total"] and ours["dropped"] <= 0.01 * max(1, ours["encoded"]):
                    largest[kind] = n
                else:
                    failed[kind] = n
                    break
    finally:
        origin.stop()

    lines = [
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; {version}.",
        f"Source: 720p30 x264 at 2.5 Mb/s with 2 s GOPs and AAC, looped by `ffmpeg -re -c copy` publishers over RTMP; "
        f"{WARMUP} s warm-up, then a {args.window} s window per step.",
        "",
        "| channels | N | origin: renditions live | origin cores | cores per channel | origin RSS MiB | rung frames dropped "
        "| publishers' cores | CLI: renditions live | CLI cores | CLI cores per channel |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for kind, n, ours, cli in rows:
        lines.append(f"| {kind} | {n} | {ours['live']}/{ours['total']} | {ours['cpu']:.2f} | {ours['cpu'] / n:.3f} | "
                     f"{ours['rss']:.0f} | {ours['dropped']:.0f} of {ours['encoded']:.0f} | {ours['publishers']:.2f} | "
                     f"{cli['live']}/{cli['total']} | {cli['cpu']:.2f} | {cli['cpu'] / n:.3f} |")
    lines.append("")
    for kind in ("source-only", "laddered"):
        held = largest.get(kind)
        if held is None:
            lines.append(f"- {kind}: the origin did not keep every rendition live at the smallest N tried")
            continue
        ours = next(r[2] for r in rows if r[0] == kind and r[1] == held)
        cli = next(r[3] for r in rows if r[0] == kind and r[1] == held)
        capacity = f"**{held}** channels held, **{failed[kind]}** did not" if kind in failed \
            else f"at least **{held}** channels (every N tried held)"
        if cli["live"] == cli["total"]:
            ratio = (f"CPU per channel there {ours['cpu'] / held:.3f} cores vs {cli['cpu'] / held:.3f} for one ffmpeg CLI "
                     f"process per channel: **{cli['cpu'] / max(ours['cpu'], 1e-9):.2f}x** the CLI's CPU per origin CPU")
        else:
            ratio = (f"CPU per channel there {ours['cpu'] / held:.3f} cores; the CLI processes did not all keep up at that N "
                     f"({cli['live']}/{cli['total']} renditions live), so no ratio")
        lines.append(f"- {kind}: {capacity}; {ratio}")
    table = "\n".join(lines) + "\n"
    print("\n" + table)
    (ROOT / "bench" / "channels" / "results.md").write_text(table)
    write_section("channels", table)


if __name__ == "__main__":
    main()
