#!/usr/bin/env bash
# Builds zeroheap (tests skipped) and runs its main job. Arguments go to the program.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh
log=$(mktemp)
if ! "$MVN" -B -q -ntp -DskipTests install >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
exec "$JAVA_HOME/bin/java" --enable-native-access=io.zeroheap \
  -p "zeroheap-core/target/classes" \
  -cp "zeroheap-bench/target/classes" \
  --add-modules io.zeroheap \
  io.zeroheap.bench.DeferredFreeDemo "$@"
