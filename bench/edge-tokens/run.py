#!/usr/bin/env python3
"""bench/edge-tokens: what a playback token costs an edge, private channel against public one.

Usage (from the repository root): bench/edge-tokens/run.py [--seconds 10] [--rounds 3] [--tokens 1000]
Needs Debian's nginx, wrk and python3-cryptography. nginx stands in for the origin: it serves the
same LL-HLS files under a public channel (bench) and a private one (vip), and the access document
(the public key, vip private). The edge fetches each object once; wrk then asks it for the public
channel's part, and for the private channel's part under --tokens distinct tokens in turn (each
token verified once, then found in the edge's memory of verified tokens, as a crowd of viewers
reloading would be). Same wrk Lua driver both ways. Anchor: the same edge serving the public
channel; goal: private / public requests per second >= 0.95.
Writes bench/edge-tokens/results.md and the edge-tokens section of BENCHMARKS.md.
"""
import argparse
import base64
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
except ImportError:
    sys.exit("python3-cryptography is missing: apt-get install python3-cryptography")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from write_section import write_section  # noqa: E402

_spec = importlib.util.spec_from_file_location("edge_serve", ROOT / "bench" / "edge-serve" / "run.py")
edge_serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(edge_serve)

OBJECTS = {"part (200 KB)": "720p/12.3.m4s", "playlist (3 KB)": "720p/index.m3u8"}
KINDS = ["public", "private", "public, token-length URL"]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tokens(key, count):
    """count distinct EdDSA JWTs for vip, valid for an hour, as a website's backend would mint them."""
    header = b64(json.dumps({"alg": "EdDSA", "typ": "JWT", "kid": "bench"}).encode())
    now = int(time.time())
    minted = []
    for i in range(count):
        claims = b64(json.dumps({"channel": "vip", "exp": now + 3600, "nbf": now - 60, "iat": now - 60,
                                 "jti": f"bench-{i}"}).encode())
        signed = f"{header}.{claims}"
        minted.append(f"{signed}.{b64(key.sign(signed.encode()))}")
    return minted


def write_files(root, public_key):
    edge_serve.write_files(root)
    shutil.copytree(root / "live" / "bench", root / "live" / "vip")
    raw = public_key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    document = {"keys": [{"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": "bench", "x": b64(raw)}],
                "private": ["vip"], "revokedIds": [], "revokedBefore": {}}
    (root / ".well-known" / "vcdn-access").write_text(json.dumps(document))
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def start_nginx(root, port):
    conf = root / "nginx.conf"
    conf.write_text(edge_serve.nginx_head(root) + f"""    server {{
        listen 127.0.0.1:{port};
        root {root};{edge_serve.NGINX_LOCATIONS}
    }}
}}
""")
    process = subprocess.Popen(["nginx", "-p", str(root), "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    edge_serve.wait_for(f"http://127.0.0.1:{port}/.well-known/vcdn-access")
    return process


def lua_script(root, name, paths):
    """A wrk script asking for paths in turn, one list per connection so every token is used."""
    listing = root / f"{name}.paths"
    listing.write_text("\n".join(paths) + "\n")
    script = root / f"{name}.lua"
    script.write_text(f"""
local paths = {{}}
for line in io.lines("{listing}") do paths[#paths + 1] = line end
local counter = 0
function setup(thread) thread:set("offset", math.random(#paths)) end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[((counter + offset) % #paths) + 1])
end
""")
    return script


def wrk(port, script, seconds, connections, threads):
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        sys.exit(f"{script}: {errors.group(1)} error responses\n{out}")
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99_value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    return requests, float(p99_value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    for program in ("nginx", "wrk"):
        if shutil.which(program) is None:
            sys.exit(f"{program} is missing: apt-get install nginx wrk")
    if not edge_serve.JAR.exists():
        subprocess.run(["mvn", "-B", "-q", "-DskipTests", "package", "-pl", "edge-node", "-am"], cwd=ROOT, check=True)

    key = ed25519.Ed25519PrivateKey.generate()
    minted = tokens(key, args.tokens)
    root = Path(tempfile.mkdtemp(prefix="edge-tokens-"))
    root.chmod(0o755)
    write_files(root, key.public_key())
    nginx_port, edge_port = edge_serve.free_port(), edge_serve.free_port()
    nginx = start_nginx(root, nginx_port)
    # With the edge token the edge fills under its credential (nginx ignores it), as in production.
    edge = edge_serve.start_edge(nginx_port, edge_port, {"VCDN_EDGE_TOKEN": "bench-edge-token-0123456789"})
    scripts = {}
    try:
        for obj, path in OBJECTS.items():
            expected = (root / "live" / "vip" / path).read_bytes()
            edge_serve.wait_for(f"http://127.0.0.1:{edge_port}/live/bench/{path}")
            if edge_serve.wait_for(f"http://127.0.0.1:{edge_port}/t/{minted[0]}/live/vip/{path}") != expected:
                sys.exit(f"edge answered the private {path} with other bytes")
            scripts[(obj, "public")] = lua_script(root, f"public-{len(scripts)}", [f"/live/bench/{path}"] * args.tokens)
            scripts[(obj, "private")] = lua_script(root, f"private-{len(scripts)}",
                                                   [f"/t/{token}/live/vip/{path}" for token in minted])
            # The public channel under the same prefixes: as long a request, nothing to check (public channels
            # need no token): what the longer URL costs, apart from the check.
            scripts[(obj, "public, token-length URL")] = lua_script(root, f"prefixed-{len(scripts)}",
                                                                    [f"/t/{token}/live/bench/{path}" for token in minted])
        try:  # the private channel without a token must be refused
            urllib.request.urlopen(f"http://127.0.0.1:{edge_port}/live/vip/{OBJECTS['part (200 KB)']}", timeout=5)
            sys.exit("the private channel was served without a token")
        except urllib.error.HTTPError as refused:
            if refused.code != 401:
                sys.exit(f"the private channel without a token answered {refused.code}, not 401")
        for script in scripts.values():  # warm-up: the JIT, and every token verified once
            wrk(edge_port, script, 3, args.connections, args.threads)
        results = {key_: [] for key_ in scripts}
        for round_index in range(args.rounds):
            for obj in OBJECTS:
                order = KINDS if round_index % 2 == 0 else list(reversed(KINDS))
                for kind in order:
                    results[(obj, kind)].append(wrk(edge_port, scripts[(obj, kind)], args.seconds, args.connections,
                                                    args.threads))
    finally:
        edge.terminate()
        nginx.terminate()
        edge.wait(30)
        nginx.wait(30)
        shutil.rmtree(root, ignore_errors=True)

    lines = [f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; edge-node jar on java -Xmx1g "
             f"in front of nginx (standing in for the origin); wrk -t{args.threads} -c{args.connections} "
             f"-d{args.seconds}s on loopback with one Lua driver for both, {args.rounds} interleaved rounds, medians. "
             f"Private: {args.tokens} distinct Ed25519 tokens in turn.", "",
             "| object | channel | requests/s | p99 ms |", "| --- | --- | --- | --- |"]
    ratios = []
    for obj in OBJECTS:
        medians = {}
        for kind in KINDS:
            runs = results[(obj, kind)]
            medians[kind] = statistics.median(r for r, _ in runs)
            lines.append(f"| {obj} | {kind} | {medians[kind]:,.0f} | {statistics.median(p for _, p in runs):.2f} |")
        ratios.append(f"- {obj}: private (token) / public requests per second = **{medians['private'] / medians['public']:.2f}** "
                      f"(goal >= 0.95); public under a token-length URL / public = "
                      f"{medians['public, token-length URL'] / medians['public']:.2f} (the URL's length alone)")
    table = "\n".join(lines + [""] + ratios) + "\n"
    print("\n" + table)
    (ROOT / "bench" / "edge-tokens" / "results.md").write_text(table)
    write_section("edge-tokens", table)


if __name__ == "__main__":
    main()
