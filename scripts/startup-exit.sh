#!/usr/bin/env bash
# Measures what the README's start-up and exit figures say, each in fresh JVMs, N runs (default 5):
#   start-up: a first Arena.ofConfined() allocation, then a first Heaps.system() + newArena()
#             allocation, in one JVM (Startup.java); and a bare first java.lang.foreign downcall,
#             link + call of getpid (Floor.java), the floor of any allocator that maps memory
#             through FFM;
#   exit:     how long a JVM takes to exit after main returns, 1 s after a first allocation,
#             with Heaps.system() and with Arena.ofConfined() only (Exit.java).
# Usage: scripts/startup-exit.sh [runs]. Builds zeroheap-core if its jar is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
runs=${1:-5}
jar=$(ls zeroheap-core/target/zeroheap-core-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -n1 || true)
if [ -z "$jar" ]; then
  "$MVN" -B -q -ntp -DskipTests -pl zeroheap-core install >/dev/null
  jar=$(ls zeroheap-core/target/zeroheap-core-*.jar | grep -v -e sources -e javadoc | head -n1)
fi
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar")
for ((i = 1; i <= runs; i++)); do
  "${java[@]}" scripts/startup/Startup.java
  "${java[@]}" scripts/startup/Floor.java
done
for kind in jdk heap; do
  line="exit after main, $kind:"
  for ((i = 1; i <= runs; i++)); do
    done_at=$("${java[@]}" scripts/startup/Exit.java "$kind" 1000)
    line="$line $(( $(date +%s%3N) - done_at )) ms"
  done
  echo "$line"
done
