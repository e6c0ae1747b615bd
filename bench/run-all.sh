#!/usr/bin/env bash
# Runs every benchmark under bench/, one after the other, each writing its own section of
# BENCHMARKS.md. Needs what each one needs (nginx and wrk for edge-serve, also h2load (nghttp2-client) and openssl for edge-tls, Chromium and npm for
# player-latency and golive, libnginx-mod-rtmp for golive). Takes about 55 minutes on 2 cores. Run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export MALLOC_ARENA_MAX=2
mvn -B -q -DskipTests install
bench/transcode/run.py --rounds 5 --seconds 40
bench/srt-ingest/run.py --streams 4 --seconds 20 --rounds 3
bench/whip-ingest/run.py --streams 4 --seconds 20 --short 5 --rounds 3
bench/llhls/run.sh 30
bench/edge-serve/run.py --seconds 10 --rounds 2
bench/edge-tls/run.py --seconds 10 --rounds 2
bench/edge-tokens/run.py --seconds 10 --rounds 3 --tokens 1000
bench/edge-region/run.sh 30 100
bench/viewers/run.py --counts 1000,2000,3000,4000 --seconds 40 --soak 300 --shed 2500,3500
bench/player-latency/run.sh 30
bench/golive/run.py --rounds 7
