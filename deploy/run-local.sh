#!/usr/bin/env bash
# Runs a small world on this machine on embedded defaults: one origin, an edge in each of two
# regions (eu on 127.0.0.2, na on 127.0.0.3, each its own Hazelcast cluster), geo-config (DNS and
# director) and a test-pattern publisher live on channel "demo". Prints what to open; Ctrl-C
# stops everything. Everything HTTP speaks HTTPS with the world's own certificate authority
# (--http: plain HTTP). --regions 6 starts the design's six regions (eu, na, sa, sea, au, af on
# 127.0.0.2-7), each edge behind a delay proxy adding its region's round trip to the origin
# (--rtt REGION=MS,... sets them). Builds the jars first when they are missing (VCDN_REBUILD=1 forces it);
# state (admin token, channels, GeoIP database, the certificate authority) stays in data/.
set -euo pipefail
cd "$(dirname "$0")/.."

jars=(origin/target/origin.jar edge-node/target/edge-node.jar geo-config/target/geo-config.jar world/target/world.jar)
for jar in "${jars[@]}"; do
  if [ ! -f "$jar" ] || [ -n "${VCDN_REBUILD:-}" ]; then
    mvn -B -q -DskipTests package
    break
  fi
done

# Native memory of the transcoders stays steady with a fixed number of malloc arenas.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec java -jar world/target/world.jar "$@"
