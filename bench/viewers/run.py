#!/usr/bin/env python3
"""bench/viewers: how many LL-HLS viewers one edge holds, what each costs, and the same for nginx.

The packaged origin takes a light 2-rung stream (Debian ffmpeg, 640x360 at 30 fps, x264 veryfast
zerolatency, 2 s keyframes, AAC; channel ladder `source` + `160p`). In front of it, one at a time:

  ours    the packaged edge-node, as deploy/systemd starts it;
  anchor  Debian's nginx as a plain HTTP cache in front of the same origin (proxy_cache keyed by
          the whole URL, proxy_cache_lock on, upstream keep-alive, 2 workers): what a CDN without
          pushed state does, passing every blocking reload through, collapsed per URL.

Against each, bench's ViewerLoad (one JVM, 2 event loops, every viewer on a loopback address of
its own) runs N virtual LL-HLS viewers: master, one rendition's init and hold-back, then the
preload hint and a blocking delta reload per part, rendition switches, thumbnails; 2% slow
readers (100 kb/s) and 2% that leave mid-part and come back. The generator, the origin and the
publisher share the machine's cores with the server under test, as the issue asks.

Each count meets a server started afresh. Then, optionally, a soak (the edge alone, --soak-viewers
for --soak seconds) and a run past capacity (--shed LIMIT,OFFERED: the edge with viewers.max=LIMIT
offered OFFERED viewers, who honour its Retry-After).

Usage: bench/viewers/run.py [--counts 1000,2000,...] [--seconds S] [--soak S] [--soak-viewers N]
       [--shed LIMIT,OFFERED] [--targets edge,nginx] [--edge-java-options "..."] [--no-write]
Writes bench/viewers/results.md and the viewers section of BENCHMARKS.md (unless --no-write).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import local_servers  # noqa: E402
from local_servers import nginx_temp_paths, wait_for  # noqa: E402
from write_section import write_section  # noqa: E402

WORK = ROOT / "bench" / "target" / "viewers"
ORIGIN_HTTP, ORIGIN_RTMP, ORIGIN_SRT, ORIGIN_WHIP = 18780, 12985, 19180, 18389
EDGE_HTTP, EDGE_CLUSTER = 18790, 16990
NGINX_HTTP = 18795
TOKEN = "bench-admin-token-0123456789abcdef"
FFMPEG = "/usr/bin/ffmpeg"
CHANNEL = "crowd"
RAMP = 20


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, cwd=ROOT, **kw).stdout


def start_java(name, jar, env, options=()):
    return local_servers.start_java(WORK, name, jar, env, ("-XX:+ExitOnOutOfMemoryError", *options))


def admin(method, path, body=None):
    return local_servers.admin(ORIGIN_HTTP, TOKEN, method, path, body)

def edge_service_options():
    """The JVM options deploy/systemd/vcdn-edge.service starts the edge with: the bench runs it as deployed."""
    unit = (ROOT / "deploy" / "systemd" / "vcdn-edge.service").read_text()
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    words = exec_start.split()
    return [w for w in words[1:words.index("-jar")] if w != "-XX:+ExitOnOutOfMemoryError"]


def start_nginx():
    prefix = WORK / "nginx"
    shutil.rmtree(prefix, ignore_errors=True)
    (prefix / "logs").mkdir(parents=True)
    (prefix / "nginx.conf").write_text(f"""
worker_processes 2;
worker_rlimit_nofile 20000;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 16000; }}
http {{
  access_log off;
{nginx_temp_paths(prefix)}
  keepalive_requests 100000;
  proxy_cache_path {prefix}/cache levels=1:2 keys_zone=hls:32m max_size=1g inactive=60s use_temp_path=off;
  upstream origin {{ server 127.0.0.1:{ORIGIN_HTTP}; keepalive 128; }}
  server {{
    listen 127.0.0.1:{NGINX_HTTP} backlog=4096;
    location / {{
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache hls;
      proxy_cache_key $request_uri;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 10s;
      proxy_cache_lock_age 10s;
      proxy_read_timeout 20s;
    }}
  }}
}}
""")
    process = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                               stdout=open(prefix / "logs" / "stdout.log", "w"), stderr=subprocess.STDOUT)
    wait_for(f"http://127.0.0.1:{NGINX_HTTP}/live/{CHANNEL}/master.m3u8", process, prefix / "logs")
    return process


def nginx_workers(master):
    """nginx's CPU and memory are its workers' (the master only starts them; the cache loader leaves)."""
    return [int(pid) for pid in run(["pgrep", "-P", str(master.pid), "-f", "worker process"]).split()]


def start_edge(options, extra_env):
    server, log = start_java("edge", ROOT / "edge-node" / "target" / "edge-node.jar", dict(
        VCDN_HTTP_HOST="127.0.0.1", VCDN_HTTP_PORT=str(EDGE_HTTP), VCDN_ORIGIN_URL=f"http://127.0.0.1:{ORIGIN_HTTP}",
        VCDN_CLUSTER_NAME="bench-viewers-edge", VCDN_CLUSTER_PORT=str(EDGE_CLUSTER), **extra_env), options)
    wait_for(f"http://127.0.0.1:{EDGE_HTTP}/ready", server, log)
    return server


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def load(classpath, port, viewers, seconds, pids, label):
    out = WORK / f"{label}-{viewers}.json"
    command = ["java", "-Xmx2g", f"-Xlog:gc:file={WORK / f'{label}-{viewers}-gc.log'}", "-cp", classpath, "dev.vcdn.bench.load.ViewerLoad",
               "--url", f"http://127.0.0.1:{port}", "--channel", CHANNEL, "--viewers", str(viewers),
               "--seconds", str(seconds), "--ramp", str(RAMP), "--slow", "0.02", "--drop", "0.02",
               "--slow-kbps", "100", "--out", str(out)]
    if pids:
        command += ["--pid", ",".join(str(pid) for pid in pids)]
    print(f"== {label}, {viewers} viewers", flush=True)
    with open(WORK / f"{label}-{viewers}.log", "w") as log:
        subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT, timeout=RAMP + seconds + 120)
    result = json.loads(out.read_text())
    print(f"   playing without stall {result['playingWithoutStallShare']:.4f}, stalls {result['stalls']}, "
          f"hinted parts never made {result['hintedPartsNeverMade']}, slow/leaving errors {result['slowOrLeavingViewerErrors']}, "
          f"errors {result['errorsTotal']} {result['errors']}, held reload p99 {result['heldReloadP99Ms']} ms, "
          f"cpu {result['edgeCpuMicrosPerViewerSecond']:.0f} us/viewer-s, rss end {result['edgeRssEndBytes'] >> 20} MiB",
          flush=True)
    return result


def publisher(key, seconds):
    return subprocess.Popen([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                             "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine",
                             "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60",
                             "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", str(seconds),
                             "-f", "flv", f"rtmp://127.0.0.1:{ORIGIN_RTMP}/live/{key}"],
                            stdout=subprocess.DEVNULL, stderr=open(WORK / "publisher.log", "w"))


def ms(value):
    """A delay in ms; none when the server sent no delays (nginx), which the JSON writes as "NaN"."""
    return "-" if isinstance(value, str) or value != value else f"{value:.1f}"


def row(label, r):
    other_errors = sum(r["slowOrLeavingViewerErrors"].values())
    return (f"| {label} | {r['viewers']} | {r['playingWithoutStallShare'] * 100:.2f} % | {r['stalls']} | "
            f"{r['errorsTotal']} | {r['slowOrLeavingViewerStalls']} / {other_errors} | "
            f"{ms(r['heldReloadP50Ms'])} / {ms(r['heldReloadP99Ms'])} | {ms(r['heldPartP50Ms'])} / {ms(r['heldPartP99Ms'])} | "
            f"{r['edgeCpuMicrosPerViewerSecond']:.0f} | {r['edgeRssIdleBytes'] / 2**20:.0f} -> {r['edgeRssEndBytes'] / 2**20:.0f} | "
            f"{r['edgeRssBytesPerViewer'] / 1024:.0f} | {r['generatorLaggingSeconds']} |")


def holds(r):
    """Zero errors and zero stalls of the steady viewers: the viewer count is held."""
    return r["errorsTotal"] == 0 and r["stalls"] == 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="1000,2000,3000,5000")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--soak", type=int, default=0, help="seconds of a soak, edge only")
    parser.add_argument("--soak-viewers", type=int, default=1000)
    parser.add_argument("--shed", default="", help="LIMIT,OFFERED: the edge with viewers.max=LIMIT offered OFFERED viewers")
    parser.add_argument("--targets", default="edge,nginx")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--report-only", action="store_true",
                        help="write the report from the results a run with the same options left in bench/target/viewers")
    parser.add_argument("--edge-java-options", default="", help="JVM options of the edge, space-separated "
                        "(default: those of deploy/systemd/vcdn-edge.service)")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    targets = args.targets.split(",")
    if args.report_only:
        write_report(args, counts, targets, *saved_results(args, counts, targets),
                     args.edge_java_options.split() if args.edge_java_options else edge_service_options())
        return
    WORK.mkdir(parents=True, exist_ok=True)
    run(["mvn", "-B", "-q", "-DskipTests", "install"])
    classpath_file = WORK / "classpath.txt"
    run(["mvn", "-B", "-q", "-pl", "bench", "dependency:build-classpath", f"-Dmdep.outputFile={classpath_file}"])
    classpath = f"{ROOT / 'bench/target/bench-0.1.0-SNAPSHOT.jar'}:{classpath_file.read_text().strip()}"
    total = 60 + (RAMP + args.seconds + 45) * len(counts) * len(targets) + args.soak + 2 * (RAMP + 60) + args.seconds

    data = WORK / "data"
    shutil.rmtree(data, ignore_errors=True)
    processes = []
    results = {target: [] for target in targets}
    soak = None
    shed = None
    try:
        origin, origin_log = start_java("origin", ROOT / "origin" / "target" / "origin.jar", dict(
            VCDN_HTTP_HOST="127.0.0.1", VCDN_HTTP_PORT=str(ORIGIN_HTTP), VCDN_RTMP_HOST="127.0.0.1",
            VCDN_RTMP_PORT=str(ORIGIN_RTMP), VCDN_SRT_HOST="127.0.0.1", VCDN_SRT_PORT=str(ORIGIN_SRT),
            VCDN_WHIP_HOST="127.0.0.1", VCDN_WHIP_PORT=str(ORIGIN_WHIP), VCDN_DATA_DIR=str(data),
            VCDN_ADMIN_TOKEN=TOKEN, VCDN_CLUSTER_NAME="bench-viewers-origin"))
        processes.append(origin)
        wait_for(f"http://127.0.0.1:{ORIGIN_HTTP}/ready", origin, origin_log)
        key = admin("POST", "/api/channels", {"name": CHANNEL, "renditions": ["source", "160p"]})["streamKey"]
        processes.append(publisher(key, total))
        wait_for(f"http://127.0.0.1:{ORIGIN_HTTP}/live/{CHANNEL}/master.m3u8", None, origin_log)
        time.sleep(5)
        edge_options = args.edge_java_options.split() if args.edge_java_options else edge_service_options()
        for target in targets:
            # Each count meets a server started afresh: its RSS before and after is that count's alone.
            for count in counts:
                if target == "edge":
                    server = start_edge(edge_options, {})
                    port, pids = EDGE_HTTP, [server.pid]
                else:
                    server = start_nginx()
                    port, pids = NGINX_HTTP, nginx_workers(server)
                try:
                    time.sleep(3)
                    results[target].append(load(classpath, port, count, args.seconds, pids, target))
                finally:
                    stop(server)
        if args.soak:
            server = start_edge(edge_options, {})
            try:
                soak = load(classpath, EDGE_HTTP, args.soak_viewers, args.soak, [server.pid], "edge-soak")
            finally:
                stop(server)
        if args.shed:
            limit, offered = (int(n) for n in args.shed.split(","))
            server = start_edge(edge_options, {"VCDN_VIEWERS_MAX": str(limit)})
            try:
                shed = load(classpath, EDGE_HTTP, offered, args.seconds, [server.pid], f"edge-max{limit}")
            finally:
                stop(server)
    finally:
        for process in reversed(processes):
            stop(process)

    write_report(args, counts, targets, results, soak, shed, edge_options)


def saved_results(args, counts, targets):
    def saved(name):
        return json.loads((WORK / f"{name}.json").read_text())
    results = {target: [saved(f"{target}-{count}") for count in counts] for target in targets}
    soak = saved(f"edge-soak-{args.soak_viewers}") if args.soak else None
    shed = None
    if args.shed:
        limit, offered = args.shed.split(",")
        shed = saved(f"edge-max{limit}-{offered}")
    return results, soak, shed


def write_report(args, counts, targets, results, soak, shed, edge_options):
    text = report(args, counts, targets, results, soak, shed, edge_options)
    print(text)
    if not args.no_write:
        (ROOT / "bench" / "viewers" / "results.md").write_text(text)
        write_section("viewers", text)


def report(args, counts, targets, results, soak, shed, edge_options):
    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    lines = [f"Machine: {os.cpu_count()} cores, {os.uname().machine}, {os.uname().sysname} {os.uname().release}; "
             f"origin, publisher (640x360 source + 160p), load generator and the server under test share the cores. "
             f"Each count: {RAMP} s ramp, then {args.seconds} s, the last {args.seconds - 5} s measured. Anchor: "
             f"{nginx_version}, proxy_cache + proxy_cache_lock, 2 workers. Edge JVM: "
             + (f"`{' '.join(edge_options)}`." if edge_options else "its defaults, as deploy/systemd starts it."), "",
             "| server | viewers | steady viewers playing without a stall | stalls | errors | slow and leaving viewers: "
             "stalls / errors | held reload p50 / p99 ms | held part p50 / p99 ms | server CPU us per viewer-second "
             "| server RSS idle -> loaded MiB | RSS KiB per viewer | seconds the generator lagged |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for target in targets:
        for r in results[target]:
            lines.append(row("our edge" if target == "edge" else "nginx proxy_cache", r))
    if soak:
        lines.append(row(f"our edge, {args.soak} s soak", soak))
    if shed:
        lines.append(row(f"our edge, viewers.max {args.shed.split(',')[0]}", shed))
    lines.append("")
    capacity = {}
    for target in targets:
        held = [r["viewers"] for r in results[target] if holds(r)]
        capacity[target] = max(held) if held else 0
        lines.append(f"- {target}: held (zero errors, zero stalls) up to **{capacity[target]}** of the counts tried "
                     f"({', '.join(str(c) for c in counts)})")
    if "edge" in capacity and "nginx" in capacity and capacity["nginx"]:
        lines.append(f"- viewers held, edge / nginx = **{capacity['edge'] / capacity['nginx']:.2f}** (goal >= 1.5)")
    if shed:
        limit, offered = args.shed.split(",")
        lines.append(f"- past capacity: an edge with `viewers.max: {limit}` offered {offered} viewers answered "
                     f"{shed['errors'].get('503', 0)} playlist requests 503 + Retry-After (new viewers, retrying as "
                     f"told); the viewers it admitted: {shed['stalls']} stalls, "
                     f"{shed['playingWithoutStallShare'] * 100:.2f} % playing without a stall")
    lines += ["- held reload / part: the edge's own delay from the part's arrival (its Vcdn-Since-Arrival-Us "
              "header); nginx sends none", "",
              f"Command: `bench/viewers/run.py --counts {args.counts} --seconds {args.seconds}"
              + (f" --soak {args.soak}" if args.soak else "") + (f" --shed {args.shed}" if args.shed else "") + "`", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
