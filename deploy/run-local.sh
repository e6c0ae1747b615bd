#!/usr/bin/env bash
# Runs the system on this machine on embedded defaults: one origin, one edge, geo-config.
# Builds the jars first when they are missing (VCDN_REBUILD=1 forces it). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."

jars=(origin/target/origin.jar edge-node/target/edge-node.jar geo-config/target/geo-config.jar)
for jar in "${jars[@]}"; do
  if [ ! -f "$jar" ] || [ -n "${VCDN_REBUILD:-}" ]; then
    mvn -B -q -DskipTests package
    break
  fi
done

# Native memory of the transcoders stays steady with a fixed number of malloc arenas.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

pids=()
start() {
  local name=$1
  shift
  # Each line prefixed with the process name; $! stays the java process so signals reach it.
  # Ctrl-C reaches the whole process group: the prefixing sed ignores it so the stop is logged.
  "$@" > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}
stop() {
  trap - INT TERM
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM

start origin java -jar origin/target/origin.jar
start edge java -jar edge-node/target/edge-node.jar
start geo java -jar geo-config/target/geo-config.jar

echo "origin http://127.0.0.1:8080 (RTMP rtmp://127.0.0.1:1935/live, admin token in data/admin-token)  edge http://127.0.0.1:8081  geo http://127.0.0.1:8053  (Ctrl-C stops all)"
# Stop everything as soon as one process ends on its own.
wait -n "${pids[@]}" || true
stop
