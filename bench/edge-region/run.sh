#!/usr/bin/env bash
# bench/edge-region: origin fetches per object for a region of two edges under N LL-HLS viewers,
# against a per-node caching proxy (one fetch per object per node).
# Usage (from the repository root): bench/edge-region/run.sh [SECONDS] [VIEWERS]. Writes the
# edge-region section of BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
viewers="${2:-100}"
mvn -B -q -DskipTests install
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
classpath="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
result=$(MALLOC_ARENA_MAX=2 java -cp "$classpath" dev.vcdn.bench.RegionFetchBench "$seconds" "$viewers" 2>/dev/null | grep -E '^\||^- ')
machine="Machine: $(nproc) cores, $(uname -m), $(uname -sr); ${seconds} s of 640x360 at 30 fps, ${viewers} LL-HLS viewers over 2 edges of one region, on loopback."
printf '%s\n\n%s\n' "$machine" "$result" | tee bench/edge-region/results.md
printf '%s\n\n%s\n' "$machine" "$result" | bench/write_section.py edge-region
