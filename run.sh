#!/usr/bin/env bash
# Builds zeroheap-core and the zeroheap command (tests skipped; ./test.sh builds and tests
# everything, the JMH benchmarks included) and runs the main job, `zeroheap bench`: the seed's
# allocation benchmark against zeroheap's peers, under a minute. Arguments go to
# `zeroheap bench`, e.g. ./run.sh --full, ./run.sh --sizes 4K,1M, ./run.sh --help. The JVM gets a
# fixed 1 GiB heap and 1 GiB of direct memory, so results do not depend on the machine's RAM.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/env.sh
log=$(mktemp)
if ! "$MVN" -B -q -ntp -DskipTests -pl zeroheap-cli -am install >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"; exit 1
fi
rm -f "$log"
exec "$JAVA_HOME/bin/java" -Xmx1g -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=1g --enable-native-access=ALL-UNNAMED -jar zeroheap-cli/target/zeroheap.jar bench "$@"
