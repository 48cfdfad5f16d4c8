#!/usr/bin/env bash
# Builds zeroheap and runs its whole test suite (unit, property and stress tests).
# Quiet when it passes: Maven's INFO lines are left out, its warnings and errors are printed in
# full (a failing test: its name, message and trimmed stack trace), and the last line totals the
# tests. Each test class's own output is in <module>/target/surefire-reports/<class>-output.txt.
# Arguments go to Maven, e.g. ./test.sh -pl zeroheap-core, ./test.sh -DskipTests;
# ZEROHEAP_VERBOSE=1 ./test.sh prints Maven's whole log.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh

if [ -n "${ZEROHEAP_VERBOSE:-}" ]; then
  exec "$MVN" -B -ntp verify "$@"
fi
counts=$(mktemp)
trap 'rm -f "$counts"' EXIT
start=$SECONDS
set +e
# Prints every line that is not INFO (or the continuation of an INFO line), but for Maven's
# boilerplate after an error, and writes each module's "Tests run: ..." from surefire's Results
# to $counts.
"$MVN" -B -ntp verify "$@" | awk -v counts="$counts" '
  /^\[INFO\] Building .*\[[0-9]+\/[0-9]+\]$/ { module = $3 }
  /^\[INFO\] Results:$/ { results = 1 }
  results && /^\[[A-Z]+\] Tests run: [0-9]+, / { results = 0; line = $0; sub(/^\[[A-Z]+\] /, "", line); print module ": " line > counts }
  /^\[ERROR\] (|-> \[Help 1\]|To see the full stack trace .*|Re-run Maven using .*|For more information .*|\[Help 1\] http.*|After correcting .*|  mvn <args> -rf .*|See dump files .*)$/ { next } # boilerplate
  /^\[[A-Z]+\]/ { level = $1 }
  level != "[INFO]" { print; fflush() }'
rc=${PIPESTATUS[0]}
set -e

# "Tests run: 221, Failures: 0, Errors: 0, Skipped: 0" per module, summed into one line.
awk -v rc="$rc" -v secs=$((SECONDS - start)) '
  { gsub(/,/, ""); n = split($0, f, " ")
    for (i = 2; i < n; i++) if (f[i + 1] ~ /^[0-9]+$/) c[f[i]] += f[i + 1]
    sub(/:$/, "", $1); per = per (NR > 1 ? ", " : "") $1 " " $4 }
  END {
    bad = c["Failures:"] + c["Errors:"]; skip = c["Skipped:"] ? ", " c["Skipped:"] " skipped" : ""
    if (NR == 0) printf "zeroheap: %s, no tests ran (%d s)\n", rc ? "BUILD FAILED (see above)" : "build passed", secs
    else if (bad) printf "zeroheap: FAILED: %d of %d tests failed%s (%s), %d s\n", bad, c["run:"], skip, per, secs
    else if (rc) printf "zeroheap: BUILD FAILED (see above); %d tests passed%s (%s), %d s\n", c["run:"] - c["Skipped:"], skip, per, secs
    else printf "zeroheap: %d tests passed%s in %d modules (%s), %d s\n", c["run:"] - c["Skipped:"], skip, NR, per, secs
  }' "$counts"
exit "$rc"
