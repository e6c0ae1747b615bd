#!/usr/bin/env python3
"""bench/golive: how soon a new stream is watchable, at our edge against nginx-rtmp's HLS.

One encoder goes live on both at once: Debian's ffmpeg (720p30 test pattern, x264 veryfast
zerolatency, 2 s keyframes, AAC) with the tee muxer, one encode sent over RTMP to the packaged
origin and to Debian's nginx with libnginx-mod-rtmp (hls on, hls_fragment 1s, fragments on
tmpfs, served by the same nginx over HTTP). Both clocks start when the encoder is started.

  ours    the edge (packaged edge-node, in front of the packaged origin) answers the channel's
          multivariant playlist, a variant's media playlist lists a part, and that part is fetched
          (status 200, bytes in hand): the first moment a player could start.
  anchor  nginx's playlist lists a fragment and that fragment is fetched.

Each is polled every 10 ms. Every round publishes a new channel and stream name, so nothing is
left from the round before; the median of the rounds is reported, with the ratio ours / nginx.

Then, with one stream live on both for 10 s, page open to first frame in Debian's headless
Chromium (bench/golive/first-frame.mjs): ours is the edge's watch page as a viewer opens it; the
anchor a page with the same hls.js release, default settings, on nginx-rtmp's playlist. A fresh
browser context each time, in turns; navigation start to the first frame put on screen.

Usage: bench/golive/run.py [--rounds N]. Writes bench/golive/results.md and the golive section
of BENCHMARKS.md. Needs nginx and libnginx-mod-rtmp (apt-get install nginx libnginx-mod-rtmp),
chromium and npm.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import local_servers  # noqa: E402
from java_bench import run  # noqa: E402
from local_servers import fetch, nginx_temp_paths  # noqa: E402
from write_section import write_section  # noqa: E402

WORK = ROOT / "bench" / "target" / "golive"
NGINX_HLS = Path("/dev/shm/vcdn-bench-golive")
ORIGIN_HTTP, ORIGIN_RTMP, ORIGIN_SRT, ORIGIN_WHIP = 18680, 11985, 19080, 18289
EDGE_HTTP, EDGE_CLUSTER = 18690, 15990
NGINX_RTMP, NGINX_HTTP = 11995, 18695
TOKEN = "bench-admin-token-0123456789abcdef"
FFMPEG = "/usr/bin/ffmpeg"
RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
POLL = 0.01
TIMEOUT = 20.0


def admin(method, path, body=None):
    return local_servers.admin(ORIGIN_HTTP, TOKEN, method, path, body)


def start_java(name, jar, env):
    return local_servers.start_java(WORK, name, jar, env)


def start_nginx():
    shutil.rmtree(NGINX_HLS, ignore_errors=True)
    NGINX_HLS.mkdir(parents=True)
    prefix = WORK / "nginx"
    shutil.rmtree(prefix, ignore_errors=True)
    (prefix / "logs").mkdir(parents=True)
    (prefix / "nginx.conf").write_text(f"""
load_module {RTMP_MODULE};
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
rtmp {{
  server {{
    listen 127.0.0.1:{NGINX_RTMP};
    application live {{
      live on;
      hls on;
      hls_path {NGINX_HLS};
      hls_fragment 1s;
      hls_playlist_length 6s;
    }}
  }}
}}
http {{
  access_log off;
{nginx_temp_paths(prefix)}
  types {{ application/vnd.apple.mpegurl m3u8; video/mp2t ts; }}
  server {{
    listen 127.0.0.1:{NGINX_HTTP};
    location /hls/ {{ alias {NGINX_HLS}/; add_header Cache-Control no-cache; }}
  }}
}}
""")
    log = prefix / "logs" / "stdout.log"
    process = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], stdout=open(log, "w"),
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while fetch(f"http://127.0.0.1:{NGINX_HTTP}/hls/none.m3u8")[0] != 404:
        if time.monotonic() > deadline or process.poll() is not None:
            sys.exit(f"nginx did not start; see {prefix / 'logs'}")
        time.sleep(0.1)
    return process


def first_uri(playlist, pattern):
    for line in playlist.splitlines():
        match = re.search(pattern, line)
        if match:
            return match.group(1)
    return None


def edge_first_part(channel, t0):
    """Seconds from t0 until the edge has served a part of the channel; None on timeout."""
    base = f"http://127.0.0.1:{EDGE_HTTP}/live/{channel}/"
    variant = None
    while time.monotonic() - t0 < TIMEOUT:
        if variant is None:
            status, body = fetch(base + "master.m3u8")
            if status == 200:
                variant = first_uri(body.decode(), r"^([^#\s][^\s]*\.m3u8)$")
        if variant is not None:
            status, body = fetch(base + variant)
            part = first_uri(body.decode(), r'^#EXT-X-PART:.*URI="([^"]+)"') if status == 200 else None
            if part is not None:
                directory = variant.rsplit("/", 1)[0] + "/"
                status, bytes_ = fetch(base + directory + part)
                if status == 200 and bytes_:
                    return time.monotonic() - t0
        time.sleep(POLL)
    return None


def nginx_first_fragment(stream, t0):
    base = f"http://127.0.0.1:{NGINX_HTTP}/hls/"
    while time.monotonic() - t0 < TIMEOUT:
        status, body = fetch(base + stream + ".m3u8")
        fragment = first_uri(body.decode(), r"^([^#\s][^\s]*\.ts)$") if status == 200 else None
        if fragment is not None:
            status, bytes_ = fetch(base + fragment)
            if status == 200 and bytes_:
                return time.monotonic() - t0
        time.sleep(POLL)
    return None


def encoder(key, stream, seconds):
    """One encoder sending to both, by the tee muxer."""
    outputs = f"[f=flv:onfail=ignore]rtmp://127.0.0.1:{ORIGIN_RTMP}/live/{key}|" \
              f"[f=flv:onfail=ignore]rtmp://127.0.0.1:{NGINX_RTMP}/live/{stream}"
    return subprocess.Popen([FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                             "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine",
                             "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "60",
                             "-pix_fmt", "yuv420p", "-c:a", "aac", "-map", "0:v", "-map", "1:a", "-t", str(seconds),
                             "-f", "tee", "-flags", "+global_header", outputs],
                            stdout=subprocess.DEVNULL, stderr=open(WORK / "encoder.log", "a"))


def stop(process):
    process.send_signal(signal.SIGINT)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def first_frames(key, rounds):
    """Page open to first frame, ours and nginx-rtmp's, on a stream live on both for 10 s."""
    node = WORK / "node"
    node.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / "origin" / "src" / "test" / "hlsjs" / name, node / name)
    shutil.copy(ROOT / "bench" / "golive" / "first-frame.mjs", node / "first-frame.mjs")
    subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=node, check=True, capture_output=True)
    live = encoder(key, "watch", 60 + 20 * rounds)
    try:
        time.sleep(10)
        out = subprocess.run(["node", "first-frame.mjs", str(rounds), f"http://127.0.0.1:{EDGE_HTTP}/watch/gowatch",
                              f"http://127.0.0.1:{NGINX_HTTP}/hls/watch.m3u8"], cwd=node, check=True, capture_output=True,
                             text=True, timeout=60 + 20 * rounds).stdout
        return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    finally:
        stop(live)


def go_live(key, channel, stream):
    """Starts one encoder sending to both; returns (ours, nginx) in seconds."""
    t0 = time.monotonic()
    publisher = encoder(key, stream, 25)
    try:
        # Both polled from one loop would let one's fetches delay the other's: each gets a thread.
        results = {}
        threads = [threading.Thread(target=lambda: results.__setitem__("ours", edge_first_part(channel, t0))),
                   threading.Thread(target=lambda: results.__setitem__("nginx", nginx_first_fragment(stream, t0)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results["ours"], results["nginx"]
    finally:
        stop(publisher)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if not Path(RTMP_MODULE).exists() or shutil.which("nginx") is None:
        sys.exit("needs nginx and libnginx-mod-rtmp")
    WORK.mkdir(parents=True, exist_ok=True)
    run(["mvn", "-B", "-q", "-DskipTests", "package"])
    data = WORK / "data"
    shutil.rmtree(data, ignore_errors=True)
    origin, origin_log = start_java("origin", ROOT / "origin" / "target" / "origin.jar", dict(
        VCDN_HTTP_HOST="127.0.0.1", VCDN_HTTP_PORT=str(ORIGIN_HTTP), VCDN_RTMP_HOST="127.0.0.1",
        VCDN_RTMP_PORT=str(ORIGIN_RTMP), VCDN_SRT_HOST="127.0.0.1", VCDN_SRT_PORT=str(ORIGIN_SRT),
        VCDN_WHIP_HOST="127.0.0.1", VCDN_WHIP_PORT=str(ORIGIN_WHIP), VCDN_DATA_DIR=str(data), VCDN_ADMIN_TOKEN=TOKEN,
        VCDN_CLUSTER_NAME="bench-golive-origin"))
    processes = [origin]
    try:
        local_servers.wait_for(f"http://127.0.0.1:{ORIGIN_HTTP}/ready", origin, origin_log)
        edge, edge_log = start_java("edge", ROOT / "edge-node" / "target" / "edge-node.jar", dict(
            VCDN_HTTP_HOST="127.0.0.1", VCDN_HTTP_PORT=str(EDGE_HTTP), VCDN_ORIGIN_URL=f"http://127.0.0.1:{ORIGIN_HTTP}",
            VCDN_CLUSTER_NAME="bench-golive-edge", VCDN_CLUSTER_PORT=str(EDGE_CLUSTER)))
        processes.append(edge)
        local_servers.wait_for(f"http://127.0.0.1:{EDGE_HTTP}/ready", edge, edge_log)
        processes.append(start_nginx())
        ours, nginx = [], []
        for round_ in range(args.rounds + 1):
            channel = f"golive{round_}"
            key = admin("POST", "/api/channels", {"name": channel})["streamKey"]
            first_part, first_fragment = go_live(key, channel, f"golive{round_}")
            label = "warm-up" if round_ == 0 else f"round {round_}"
            print(f"{label}: edge first part {first_part} s, nginx-rtmp first fragment {first_fragment} s", flush=True)
            if first_part is None or first_fragment is None:
                sys.exit("a stream never became watchable; see " + str(WORK))
            if round_ > 0:  # the first round warms the JIT and the edge's connections
                ours.append(first_part)
                nginx.append(first_fragment)
            time.sleep(2)
        watch_key = admin("POST", "/api/channels", {"name": "gowatch"})["streamKey"]
        frames = first_frames(watch_key, args.rounds)
        print(f"page open to first frame: ours {frames['ours']}, nginx-rtmp {frames['nginx']}", flush=True)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(NGINX_HLS, ignore_errors=True)

    version = run(["nginx", "-v"]) or subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    module = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libnginx-mod-rtmp"], capture_output=True,
                            text=True).stdout.strip()
    median_ours, median_nginx = statistics.median(ours), statistics.median(nginx)
    text = f"""Machine: {os.cpu_count()} cores, {os.uname().machine}, {os.uname().sysname} {os.uname().release}; one encoder
(Debian ffmpeg, 720p30, x264 veryfast zerolatency, 2 s keyframes, AAC) sent by the tee muxer to both; {args.rounds}
rounds after a warm-up round, a new channel each; polled every {int(POLL * 1000)} ms. Anchor: {version.strip()},
libnginx-mod-rtmp {module}, `hls_fragment 1s` on tmpfs. Clock from starting the encoder (its start-up is in both).

| encoder started to ... | median s | min s | max s |
| --- | --- | --- | --- |
| first part fetched at our edge (standard channel, 0.333 s parts) | {median_ours:.2f} | {min(ours):.2f} | {max(ours):.2f} |
| first fragment fetched from nginx-rtmp | {median_nginx:.2f} | {min(nginx):.2f} | {max(nginx):.2f} |

| page open to first frame (ours: the edge's watch page; nginx-rtmp: hls.js on its playlist) | median s | min s | max s |
| --- | --- | --- | --- |
| our edge's watch page | {statistics.median(frames["ours"]):.2f} | {min(frames["ours"]):.2f} | {max(frames["ours"]):.2f} |
| hls.js on nginx-rtmp's playlist | {statistics.median(frames["nginx"]):.2f} | {min(frames["nginx"]):.2f} | {max(frames["nginx"]):.2f} |

- go-live to first playable part, ours / nginx-rtmp = **{median_ours / median_nginx:.2f}** (goal < 0.5, and < 1.0 s)
- page open to first frame, ours / nginx-rtmp = **{statistics.median(frames["ours"]) / statistics.median(frames["nginx"]):.2f}** (goal: ours < 1.0 s)
- rounds, ours: {", ".join(f"{v:.2f}" for v in ours)}; nginx-rtmp: {", ".join(f"{v:.2f}" for v in nginx)}

Command: `bench/golive/run.py --rounds {args.rounds}`
"""
    print(text)
    (ROOT / "bench" / "golive" / "results.md").write_text(text)
    write_section("golive", text)


if __name__ == "__main__":
    main()
