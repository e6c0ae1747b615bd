#!/usr/bin/env python3
"""bench/edge-tls: the edge node over TLS against nginx over TLS, serving the same cached LL-HLS objects.

Usage (from the repository root): bench/edge-tls/run.py [--seconds 10] [--rounds 2] [--connections 32]
Needs Debian's nginx, wrk, h2load (nghttp2-client) and openssl. One certificate (ECDSA P-256) serves
both. nginx 1.22 (TLS 1.3, `listen ... ssl http2`, ssl_session_cache) is the anchor and, on a plain
port, the edge's origin: the edge fetches each object once and answers from memory (the playlist,
max-age=1, again every second). h2load drives HTTP/2 (one TLS connection per client, several
streams each, as a player holds); wrk drives HTTP/1.1 over TLS. Each object and protocol meets both
servers in turn, alternating which goes first per round; medians over the rounds. The server's CPU
time (utime+stime of its processes) gives CPU seconds per GB served.
Writes bench/edge-tls/results.md and the edge-tls section of BENCHMARKS.md.
"""
import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from write_section import write_section  # noqa: E402
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("edge_serve", ROOT / "bench" / "edge-serve" / "run.py")
edge_serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(edge_serve)

JAR = ROOT / "edge-node" / "target" / "edge-node.jar"
OBJECTS = edge_serve.OBJECTS
SIZES = {"part (200 KB)": 200 * 1024, "segment (1 MB)": 1024 * 1024, "playlist (3 KB)": len(edge_serve.playlist_text())}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ENGINES = ("jdk", "openssl")


def certificate(folder):
    key, crt = folder / "tls.key", folder / "tls.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    key.chmod(0o644)
    return crt, key


def start_nginx(root, plain_port, tls_port, crt, key):
    conf = root / "nginx.conf"
    locations = edge_serve.NGINX_LOCATIONS

    conf.write_text(edge_serve.nginx_head(root) + f"""    http2_max_concurrent_streams 256;
    server {{
        listen 127.0.0.1:{plain_port};
        root {root};{locations}
    }}
    server {{
        listen 127.0.0.1:{tls_port} ssl http2;
        ssl_certificate {crt};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:SSL:10m;
        root {root};{locations}
    }}
}}
""")
    process = subprocess.Popen(["nginx", "-p", str(root), "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    edge_serve.wait_for(f"http://127.0.0.1:{plain_port}{OBJECTS['playlist (3 KB)']}")
    return process


def start_edge(origin_port, port, crt, key, engine):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCDN_")}
    env.update({"VCDN_HTTP_HOST": "127.0.0.1", "VCDN_HTTP_PORT": str(port),
                "VCDN_ORIGIN_URL": f"http://127.0.0.1:{origin_port}", "VCDN_REGION": "bench",
                "VCDN_CLUSTER_NAME": f"bench-{uuid.uuid4()}", "VCDN_CLUSTER_PORT": str(edge_serve.free_port()),
                "VCDN_TLS_CERTIFICATE": str(crt), "VCDN_TLS_KEY": str(key), "VCDN_TLS_ENGINE": engine,
                "MALLOC_ARENA_MAX": "2"})
    process = subprocess.Popen(["java", "-Xmx1g", "-jar", str(JAR)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    curl_until_ok(f"https://127.0.0.1:{port}/ready", crt)
    return process


def curl_until_ok(url, crt, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", str(crt), url],
                                capture_output=True, text=True)
        if result.stdout == "200":
            return
        time.sleep(0.3)
    sys.exit(f"{url} did not answer within {timeout} s")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / CLOCK_TICKS


def process_tree(pid):
    kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid, *[p for kid in kids for p in process_tree(int(kid))]]


def h2load(url, seconds, clients, streams):
    out = subprocess.run(["h2load", "-D", str(seconds), "--warm-up-time", "1", "-c", str(clients), "-m", str(streams),
                          "-t", "1", url], capture_output=True, text=True, check=True).stdout
    done = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", out)
    if done is None or int(done.group(3)) or int(done.group(4)) or int(done.group(2)) == 0:
        sys.exit(f"{url}: h2load failed\n{out}")
    protocol = re.search(r"Application protocol: (\S+)", out)
    if protocol is None or protocol.group(1) != "h2":
        sys.exit(f"{url}: not HTTP/2\n{out}")
    return int(done.group(2)) / seconds


def wrk(url, seconds, connections):
    return edge_serve.wrk(url, seconds, connections, 1)[0]


def measure(tool, url, args, pids):
    before = cpu_seconds(pids)
    rps = h2load(url, args.seconds, args.connections // 4, 8) if tool == "h2" else wrk(url, args.seconds, args.connections)
    return rps, cpu_seconds(pids) - before


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    for program in ("nginx", "wrk", "h2load", "openssl", "curl"):
        if shutil.which(program) is None:
            sys.exit(f"{program} is missing: apt-get install nginx wrk nghttp2-client openssl curl")
    if not JAR.exists():
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package", "-pl", "edge-node", "-am"], cwd=ROOT, check=True)

    root = Path(tempfile.mkdtemp(prefix="edge-tls-"))
    root.chmod(0o755)
    edge_serve.write_files(root)
    crt, key = certificate(root)
    plain_port, nginx_port = edge_serve.free_port(), edge_serve.free_port()
    nginx = start_nginx(root, plain_port, nginx_port, crt, key)
    edges = {}
    for engine in ENGINES:
        port = edge_serve.free_port()
        edges[engine] = (port, start_edge(plain_port, port, crt, key, engine))
    time.sleep(1)  # nginx's workers are up
    servers = {"nginx": (nginx_port, process_tree(nginx.pid)),
               **{f"edge ({engine})": (port, [process.pid]) for engine, (port, process) in edges.items()}}
    tools = ("h2", "http/1.1")
    results = {(tool, obj, name): [] for tool in tools for obj in OBJECTS for name in servers}
    try:
        for engine, (port, _) in edges.items():
            for path in OBJECTS.values():
                got = subprocess.run(["curl", "-s", "--cacert", str(crt), f"https://127.0.0.1:{port}{path}"],
                                     capture_output=True).stdout
                if got != (root / path.lstrip("/")).read_bytes():
                    sys.exit(f"edge ({engine}) answered {path} with other bytes")
        for tool in tools:  # warm-up: the JIT, TLS session caches, page cache
            for name, (port, pids) in servers.items():
                for path in OBJECTS.values():
                    measure(tool, f"https://127.0.0.1:{port}{path}", argparse.Namespace(seconds=3, connections=args.connections), pids)
        for round_index in range(args.rounds):
            order = list(servers.items()) if round_index % 2 == 0 else list(reversed(servers.items()))  # who goes first
            for tool in tools:
                for obj, path in OBJECTS.items():
                    for name, (port, pids) in order:
                        results[(tool, obj, name)].append(measure(tool, f"https://127.0.0.1:{port}{path}", args, pids))
    finally:
        for _, process in edges.values():
            process.terminate()
        nginx.terminate()
        for _, process in edges.values():
            process.wait(30)
        nginx.wait(30)
        shutil.rmtree(root, ignore_errors=True)

    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    java_version = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    lines = [f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; {nginx_version} "
             f"(worker_processes auto, TLS 1.3, ssl_session_cache); edge-node jar ({java_version}, -Xmx1g) with the JDK's TLS "
             f"(tls.engine=jdk) and with BoringSSL from netty-tcnative 2.0.84 (tls.engine=openssl); "
             f"ECDSA P-256 certificate; h2load -c{args.connections // 4} -m8 (HTTP/2) and wrk -t1 -c{args.connections} "
             f"(HTTP/1.1 over TLS), {args.seconds} s each, on loopback, {args.rounds} interleaved rounds, medians.", "",
             "| protocol | object | server | requests/s | MB/s | server CPU s per GB |",
             "| --- | --- | --- | --- | --- | --- |"]
    ratios = []
    for tool in tools:
        for obj in OBJECTS:
            medians = {}
            for name in servers:
                runs = results[(tool, obj, name)]
                rps = statistics.median(r for r, _ in runs)
                gigabytes = sum(r * args.seconds * SIZES[obj] for r, _ in runs) / 1e9
                cpu_per_gb = sum(c for _, c in runs) / gigabytes if gigabytes else float("nan")
                medians[name] = rps
                lines.append(f"| {tool} | {obj} | {name} | {rps:,.0f} | {rps * SIZES[obj] / 1e6:,.0f} | {cpu_per_gb:.2f} |")
            ratios.append(f"- {tool}, {obj}: edge / nginx requests per second = "
                          + ", ".join(f"{engine} **{medians[f'edge ({engine})'] / medians['nginx']:.2f}**" for engine in ENGINES))
    table = "\n".join(lines + [""] + ratios) + "\n"
    print("\n" + table)
    (ROOT / "bench" / "edge-tls" / "results.md").write_text(table)
    write_section("edge-tls", table)


if __name__ == "__main__":
    main()
