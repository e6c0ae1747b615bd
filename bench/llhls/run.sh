#!/usr/bin/env bash
# bench/llhls: LL-HLS from the origin against plain HLS from the ffmpeg program of the same build.
# Usage (from the repository root): bench/llhls/run.sh [SECONDS]. Writes the llhls section of BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
mvn -B -q -DskipTests install
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt"
classpath="bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
result=$(MALLOC_ARENA_MAX=2 java -cp "$classpath" dev.vcdn.bench.LatencyBench "$seconds" 2>/dev/null | grep -E '^\||^- ')
machine="Machine: $(nproc) cores, $(uname -m), $(uname -sr); ${seconds} s of 1280x720 at 30 fps published with -re."
printf '%s\n\n%s\n' "$machine" "$result" | tee bench/llhls/results.md
printf '%s\n\n%s\n' "$machine" "$result" | bench/write_section.py llhls
