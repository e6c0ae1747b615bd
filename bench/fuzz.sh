#!/usr/bin/env bash
# Coverage-guided fuzzing campaigns with Jazzer: each @FuzzTest of the given class for the given
# time, one target per JVM (as Jazzer requires). A finding (an input that crashes or fails an
# assertion) stops its target; it is moved to src/test/resources/<package>/<Class>Inputs/<method>/,
# where `mvn test` runs it from then on (fix it, then run the target again). The generated corpus
# stays in <module>/.cifuzz-corpus (not committed). Prints per target: time, executions, coverage
# and findings, for FUZZING.md.
#
# Usage (from the repository root): bench/fuzz.sh DURATION MODULE CLASS [METHOD...]
#   bench/fuzz.sh 10m shared dev.vcdn.shared.fuzz.SharedParsersFuzzTest
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:?duration, e.g. 10m}
module=${2:?module, e.g. shared}
class=${3:?fuzz test class}
shift 3
methods=("$@")
if [ ${#methods[@]} -eq 0 ]; then
  mapfile -t methods < <(grep -A1 '@FuzzTest' "$module/src/test/java/$(echo "$class" | tr . /).java" \
    | grep -oE 'void [a-zA-Z0-9_]+\(' | sed 's/void //; s/(//')
fi
mvn -B -q -o install -DskipTests >/dev/null
for method in "${methods[@]}"; do
  log=$(mktemp)
  start=$(date +%s)
  set +e
  JAZZER_FUZZ=1 mvn -B -o test -pl "$module" -Dtest="$class#$method" -Djazzer.max_duration="$duration" \
    -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1
  status=$?
  set -e
  seconds=$(( $(date +%s) - start ))
  inputs="$module/src/test/resources/$(echo "$class" | tr . /)Inputs/$method"
  for crash in "$module"/crash-* "$module"/timeout-*; do
    [ -e "$crash" ] || continue
    mkdir -p "$inputs"
    mv "$crash" "$inputs/"
    echo "    kept as a regression input: $inputs/$(basename "$crash")"
  done
  stats=$(grep -E '^#[0-9]+' "$log" | tail -1)
  findings=$(grep -cE '== Java Exception|FuzzerSecurityIssue|AssertionError|Timeout' "$log" || true)
  echo "$class#$method: ${seconds}s, exit $status, findings $findings, last: ${stats:-none}"
  if [ "$status" -ne 0 ]; then
    grep -E '== Java Exception|Caused by|at dev\.vcdn' "$log" | head -12 | sed 's/^/    /'
  fi
  rm -f "$log"
done
