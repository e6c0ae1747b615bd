#!/usr/bin/env bash
# bench/player-latency: live latency at a real player (hls.js 1.7.4 with the watch page's
# settings, in Debian's headless Chromium), watching the demo world's channel through the eu
# edge against watching the origin directly: what the edge tier adds.
# Latency = now - PROGRAM-DATE-TIME of the playing frame.
# Usage (from the repository root): bench/player-latency/run.sh [SECONDS]. Writes the
# player-latency section of BENCHMARKS.md. Needs chromium and npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
work=bench/target/player-latency
mvn -B -q -DskipTests package
mkdir -p "$work"
cp origin/src/test/hlsjs/package.json origin/src/test/hlsjs/package-lock.json origin/src/test/hlsjs/play.mjs "$work/"
(cd "$work" && npm ci --silent --no-audit --no-fund >/dev/null)
data=$(mktemp -d)
log="$data/world.log"
MALLOC_ARENA_MAX=2 java -jar world/target/world.jar --ephemeral --data "$data/world" > "$log" 2>&1 &
world=$!
trap 'kill $world 2>/dev/null; wait $world 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do grep -q '^world: director=' "$log" && break; sleep 0.5; done
line=$(grep '^world: director=' "$log")
edge=$(sed -E 's/.* eu=([^ ]+).*/\1/' <<<"$line")
origin=$(sed -E 's/.* origin=([^ ]+).*/\1/' <<<"$line")
results="$data/results"
mkdir -p "$results"
for round in 1 2; do
  for target in edge origin; do
    if [ "$round" = 2 ]; then target=$([ "$target" = edge ] && echo origin || echo edge); fi
    url=$([ "$target" = edge ] && echo "$edge" || echo "$origin")/live/demo/master.m3u8
    (cd "$work" && node play.mjs "$url" "$seconds") | grep '^{' > "$results/$target-$round.json"
  done
done
machine="Machine: $(nproc) cores, $(uname -m), $(uname -sr); the demo world (720p30 test pattern, default settings); ${seconds} s per run, 2 rounds, order alternated, first 10 s of each run left out."
result=$(python3 - "$results" <<'PY'
import json, statistics, sys, glob
def latencies(kind):
    values = []
    for path in sorted(glob.glob(f"{sys.argv[1]}/{kind}-*.json")):
        samples = json.load(open(path))["samples"]
        values += [s["latency"] for s in samples[10:] if s.get("latency") is not None]
    return values
rows = []
med = {}
for kind, label in (("edge", "through the eu edge"), ("origin", "straight from the origin")):
    v = sorted(latencies(kind))
    med[kind] = statistics.median(v)
    p95 = v[int(0.95 * (len(v) - 1))]
    rows.append(f"| {label} | {len(v)} | {med[kind]:.2f} | {p95:.2f} |")
print("| hls.js in Chromium | samples | latency median s | latency p95 s |")
print("| --- | --- | --- | --- |")
print("\n".join(rows))
print(f"\n- latency at the player, edge / origin = **{med['edge'] / med['origin']:.2f}**")
PY
)
printf '%s\n\n%s\n' "$machine" "$result" | tee bench/player-latency/results.md
printf '%s\n\n%s\n' "$machine" "$result" | bench/write_section.py player-latency
