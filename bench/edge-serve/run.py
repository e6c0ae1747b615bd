#!/usr/bin/env python3
"""bench/edge-serve: an edge node serving cached LL-HLS objects against nginx serving the same files.

Usage (from the repository root): bench/edge-serve/run.py [--seconds 10] [--rounds 2] [--connections 64]
Needs Debian's nginx and wrk (apt-get install nginx wrk). nginx is both the anchor and the
edge's upstream: the edge fetches each object from it once and then answers from memory.
Writes bench/edge-serve/results.md and the edge-serve section of BENCHMARKS.md.
"""
import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from write_section import write_section  # noqa: E402
JAR = ROOT / "edge-node" / "target" / "edge-node.jar"
OBJECTS = {
    "part (200 KB)": "/live/bench/720p/12.3.m4s",
    "segment (1 MB)": "/live/bench/720p/12.m4s",
    "playlist (3 KB)": "/live/bench/720p/index.m3u8",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def playlist_text():
    lines = ["#EXTM3U", "#EXT-X-VERSION:9", "#EXT-X-TARGETDURATION:2",
             "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12,HOLD-BACK=6,PART-HOLD-BACK=1.002",
             "#EXT-X-PART-INF:PART-TARGET=0.334", "#EXT-X-MEDIA-SEQUENCE:0", '#EXT-X-MAP:URI="init.mp4"']
    for msn in range(13):
        lines.append(f"#EXT-X-PROGRAM-DATE-TIME:2026-11-24T07:00:{msn * 2:02d}.000Z")
        if msn >= 10:
            lines += [f'#EXT-X-PART:DURATION=0.334,URI="{msn}.{p}.m4s"' + (",INDEPENDENT=YES" if p == 0 else "")
                      for p in range(6)]
        lines += ["#EXTINF:2.004,", f"{msn}.m4s"]
    lines.append('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="13.0.m4s"')
    return "\n".join(lines) + "\n"


def write_files(root):
    folder = root / "live" / "bench" / "720p"
    folder.mkdir(parents=True)
    (folder / "12.3.m4s").write_bytes(os.urandom(200 * 1024))
    (folder / "12.m4s").write_bytes(os.urandom(1024 * 1024))
    (folder / "index.m3u8").write_text(playlist_text())
    # The access rules an edge follows from its origin before it is ready: every channel public.
    (root / ".well-known").mkdir()
    (root / ".well-known" / "vcdn-access").write_text(
        json.dumps({"keys": [], "private": [], "revokedIds": [], "revokedBefore": {}}))
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


# The headers the origin sends with each kind of object, for every nginx that stands in for it.
NGINX_LOCATIONS = """
        location ~ \\.m4s$ {
            add_header Cache-Control "public, max-age=300, immutable";
            add_header Access-Control-Allow-Origin "*";
        }
        location ~ \\.m3u8$ {
            add_header Cache-Control "public, max-age=1";
            add_header Access-Control-Allow-Origin "*";
        }
        location = /.well-known/vcdn-access { default_type application/json; }"""


def nginx_head(root):
    """The start of an nginx.conf serving the files under root as fast as nginx can: up to the http block's servers."""
    return f"""
daemon off;
worker_processes auto;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    types {{ application/vnd.apple.mpegurl m3u8; video/mp4 m4s mp4; }}
"""


def start_nginx(root, port):
    conf = root / "nginx.conf"
    conf.write_text(nginx_head(root) + f"""    server {{
        listen 127.0.0.1:{port};
        root {root};{NGINX_LOCATIONS}
    }}
}}
""")
    process = subprocess.Popen(["nginx", "-p", str(root), "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}{OBJECTS['playlist (3 KB)']}")
    return process


def start_edge(origin_port, port, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCDN_")}
    env.update(extra_env or {})
    env.update({"VCDN_HTTP_HOST": "127.0.0.1", "VCDN_HTTP_PORT": str(port),
                "VCDN_ORIGIN_URL": f"http://127.0.0.1:{origin_port}", "VCDN_REGION": "bench",
                "VCDN_CLUSTER_NAME": f"bench-{uuid.uuid4()}", "VCDN_CLUSTER_PORT": str(free_port()),
                "MALLOC_ARENA_MAX": "2"})
    process = subprocess.Popen(["java", "-Xmx1g", "-jar", str(JAR)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/ready")
    return process


def wait_for(url, timeout=60):
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return response.read()
        except OSError:
            pass
        if time.time() > deadline:
            sys.exit(f"{url} did not answer within {timeout} s")
        time.sleep(0.2)


def wrk(url, seconds, connections, threads):
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} error responses\n{out}")
    latency = {}
    for pct in ("50", "99"):
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out).groups()
        latency[pct] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return requests, latency


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    for program in ("nginx", "wrk"):
        if shutil.which(program) is None:
            sys.exit(f"{program} is missing: apt-get install nginx wrk")
    if not JAR.exists():
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package", "-pl", "edge-node", "-am"], cwd=ROOT, check=True)

    root = Path(tempfile.mkdtemp(prefix="edge-serve-"))
    root.chmod(0o755)
    write_files(root)
    nginx_port, edge_port = free_port(), free_port()
    nginx = start_nginx(root, nginx_port)
    edge = start_edge(nginx_port, edge_port)
    servers = {"nginx": nginx_port, "edge": edge_port}
    try:
        for path in OBJECTS.values():
            expected = (root / path.lstrip("/")).read_bytes()
            got = wait_for(f"http://127.0.0.1:{edge_port}{path}")
            if got != expected:
                sys.exit(f"edge answered {path} with other bytes")
        # Warm-up: the JVM's JIT (and nginx's page cache) before anything is measured.
        for name, port in servers.items():
            for path in OBJECTS.values():
                wrk(f"http://127.0.0.1:{port}{path}", 3, args.connections, args.threads)
        results = {(obj, name): [] for obj in OBJECTS for name in servers}
        for round_index in range(args.rounds):
            order = list(servers.items()) if round_index % 2 == 0 else list(reversed(servers.items()))
            for obj, path in OBJECTS.items():
                for name, port in order:
                    results[(obj, name)].append(wrk(f"http://127.0.0.1:{port}{path}", args.seconds,
                                                    args.connections, args.threads))
    finally:
        edge.terminate()
        nginx.terminate()
        edge.wait(30)
        nginx.wait(30)
        shutil.rmtree(root, ignore_errors=True)

    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    lines = [f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; {nginx_version} "
             f"(worker_processes auto, sendfile); edge-node jar on {platform.python_implementation()}-driven "
             f"java -Xmx1g; wrk -t{args.threads} -c{args.connections} -d{args.seconds}s on loopback, "
             f"{args.rounds} interleaved rounds, medians.", "",
             "| object | server | requests/s | MB/s | p50 ms | p99 ms |", "| --- | --- | --- | --- | --- | --- |"]
    ratios = []
    for obj, path in OBJECTS.items():
        size = len(playlist_text()) if "playlist" in obj else (200 * 1024 if "part" in obj else 1024 * 1024)
        medians = {}
        for name in servers:
            runs = results[(obj, name)]
            rps = statistics.median(r for r, _ in runs)
            medians[name] = rps
            p50 = statistics.median(l["50"] for _, l in runs)
            p99 = statistics.median(l["99"] for _, l in runs)
            lines.append(f"| {obj} | {name} | {rps:,.0f} | {rps * size / 1e6:,.0f} | {p50:.2f} | {p99:.2f} |")
        ratios.append(f"- {obj}: edge / nginx requests per second = **{medians['edge'] / medians['nginx']:.2f}**")
    table = "\n".join(lines + [""] + ratios) + "\n"
    print("\n" + table)
    (ROOT / "bench" / "edge-serve" / "results.md").write_text(table)
    write_section("edge-serve", table)


if __name__ == "__main__":
    main()
