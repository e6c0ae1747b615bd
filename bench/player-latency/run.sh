#!/usr/bin/env bash
# bench/player-latency: live latency at a real player (hls.js with the watch page's settings, in
# Debian's headless Chromium), and where it goes. The demo world's channel (standard profile,
# 0.333 s parts) is watched through the eu edge and straight from the origin (what the edge tier
# adds); a low-latency channel (0.2 s parts, published by Debian's ffmpeg) through the eu edge.
# Behind ingest = now - PROGRAM-DATE-TIME of the frame on screen (hls.playingDate). The stages come
# from the processes' own timers over the same runs: origin vcdn_packager_part_age (a part's last
# media at ingest -> the part served), edge vcdn_edge_part_age (-> the part pushed to the edge) and
# vcdn_edge_push_to_response (-> a request held for it answered); the rest is the player's buffer.
# Usage (from the repository root): bench/player-latency/run.sh [SECONDS]. Writes the
# player-latency section of BENCHMARKS.md. Needs chromium, npm and Debian's ffmpeg.
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
publisher=
trap 'kill $world $publisher 2>/dev/null; wait $world 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do grep -q '^world: director=' "$log" && break; sleep 0.5; done
line=$(grep '^world: director=' "$log")
edge=$(sed -E 's/.* eu=([^ ]+).*/\1/' <<<"$line")
origin=$(sed -E 's/.* origin=([^ ]+).*/\1/' <<<"$line")
token=$(grep -oE 'Authorization: Bearer [^ ]+' "$log" | head -1 | cut -d' ' -f3)
rtmp=$(grep -oE 'stream from OBS: server [^ ]+' "$log" | head -1 | cut -d' ' -f5)
key=$(curl -sf -H "Authorization: Bearer $token" -d '{"name":"fast","lowLatency":true,"renditions":["source"]}' \
  "$origin/api/channels" | python3 -c 'import json,sys; print(json.load(sys.stdin)["streamKey"])')
/usr/bin/ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine \
  -c:v libx264 -preset veryfast -tune zerolatency -g 60 -pix_fmt yuv420p -c:a aac -f flv "$rtmp/$key" &
publisher=$!
for _ in $(seq 1 60); do curl -sf "$edge/live/fast/master.m3u8" >/dev/null && break; sleep 0.5; done
results="$work/results"
rm -rf "$results"
mkdir -p "$results"
curl -sf "$origin/metrics" > "$results/origin-before.prom"
curl -sf "$edge/metrics" > "$results/edge-before.prom"
for round in 1 2; do
  for target in edge origin fast; do
    if [ "$round" = 2 ]; then target=$(case $target in edge) echo origin;; origin) echo edge;; *) echo fast;; esac); fi
    url=$(case $target in edge) echo "$edge/live/demo";; origin) echo "$origin/live/demo";; fast) echo "$edge/live/fast";; esac)/master.m3u8
    (cd "$work" && node play.mjs "$url" "$seconds") | grep '^{' > "$results/$target-$round.json"
  done
done
curl -sf "$origin/metrics" > "$results/origin-after.prom"
curl -sf "$edge/metrics" > "$results/edge-after.prom"
machine="Machine: $(nproc) cores, $(uname -m), $(uname -sr); the demo world (720p30 test pattern, default settings) and a low-latency channel (360p30 from Debian's ffmpeg, x264 zerolatency, source only); ${seconds} s per run, 2 rounds, first 10 s of each run left out."
result=$(python3 - "$results" <<'PY'
import json, statistics, sys, glob, re
d = sys.argv[1]
def samples(kind):
    values, stalls = [], 0
    for path in sorted(glob.glob(f"{d}/{kind}-*.json")):
        run = json.load(open(path))["samples"]
        values += [s for s in run[10:]]
        stalls += run[-1].get("stalls") or 0  # every stall once playing, the first seconds' too
    return values, stalls
def mean(name, process):
    def read(when):
        text = open(f"{d}/{process}-{when}.prom").read()
        get = lambda suffix: sum(float(m) for m in re.findall(rf"^{name}_seconds_{suffix}(?:{{[^}}]*}})? (\S+)$", text, re.M))
        return get("sum"), get("count")
    (s0, c0), (s1, c1) = read("before"), read("after")
    return (s1 - s0) / (c1 - c0) if c1 > c0 else float("nan")
rows, med = [], {}
for kind, label in (("edge", "standard, through the eu edge"), ("origin", "standard, straight from the origin"),
                    ("fast", "low-latency, through the eu edge")):
    values, stalls = samples(kind)
    behind = sorted(s["behind"] for s in values if s.get("behind") is not None)
    latency = sorted(s["latency"] for s in values if s.get("latency") is not None)
    med[kind] = statistics.median(behind)
    rows.append(f"| {label} | {len(behind)} | {med[kind]:.2f} | {behind[int(0.95 * (len(behind) - 1))]:.2f} | "
                f"{statistics.median(latency):.2f} | {stalls} |")
print("| hls.js in Chromium | samples | behind ingest, median s | p95 s | hls.latency median s | stalls |")
print("| --- | --- | --- | --- | --- | --- |")
print("\n".join(rows))
origin_age = mean("vcdn_packager_part_age", "origin")
edge_age = mean("vcdn_edge_part_age", "edge")
answer = mean("vcdn_edge_push_to_response", "edge")
print()
print("Where the time goes, in milliseconds (means over every rendition of both channels, from the processes' timers;")
print("the last line for the low-latency channel, whose publisher sends in real time from its first frame):")
print()
print("| stage | ms |")
print("| --- | --- |")
print(f"| a part's end at ingest -> the part served by the origin (the next frame, decoding, encoding, muxing) | {origin_age * 1000:.1f} |")
print(f"| -> the part pushed to the edge | {(edge_age - origin_age) * 1000:.1f} |")
print(f"| -> a blocking request held for it answered by the edge | {answer * 1000:.1f} |")
print(f"| -> on screen: the player's buffer (PART-HOLD-BACK) and the part's own length | {(med['fast'] - edge_age - answer) * 1000:.0f} |")
print(f"\n- behind ingest through the edge: standard **{med['edge']:.2f} s** (goal < 1.2), low-latency **{med['fast']:.2f} s** (goal < 1.0)")
print(f"- latency at the player, edge / origin = **{med['edge'] / med['origin']:.2f}**")
PY
)
printf '%s\n\n%s\n' "$machine" "$result" | tee bench/player-latency/results.md
printf '%s\n\n%s\n' "$machine" "$result" | bench/write_section.py player-latency
