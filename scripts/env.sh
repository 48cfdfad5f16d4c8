# Sourced by run.sh, test.sh, ./zeroheap and .ci/run: finds a JDK 25 and exports JAVA_HOME, and
# exports MVN, the repo's Maven Wrapper (./mvnw, absolute path: no mvn on PATH needed).
# On failure prints one line saying what is missing and where it looked, and exits 1.

zh_java_feature() { # prints the feature release of the java launcher $1 (17, 25, ...)
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1
}

zh_find_jdk25() {
  local candidates=() looked=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-25* /usr/lib/jvm/java-25* \
           /opt/java/openjdk /opt/jdk-25* "$HOME"/.sdkman/candidates/java/25*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for home in "${candidates[@]}"; do
    looked+=("$home")
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      local v; v=$(zh_java_feature "$home/bin/java")
      if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
        export JAVA_HOME="$home"; return 0
      fi
    fi
  done
  echo "zeroheap needs JDK 25 or newer (java and javac); none in JAVA_HOME, java on PATH, /usr/lib/jvm/*25*, /opt/jdk-25* (checked: ${looked[*]:-nothing found}). Set JAVA_HOME to a JDK 25, e.g. /usr/lib/jvm/temurin-25-jdk-amd64." >&2
  return 1
}

zh_find_maven() { # the repo's Maven Wrapper: ./mvnw fetches the Maven that .mvn/wrapper pins, once
  local root props name
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  props="$root/.mvn/wrapper/maven-wrapper.properties"
  if [ ! -x "$root/mvnw" ] || [ ! -f "$props" ]; then
    echo "zeroheap needs its Maven Wrapper: $root/mvnw (executable) and $props." >&2
    return 1
  fi
  # Without unzip, mvnw fetches the -bin.tar.gz instead, which the pinned -bin.zip SHA-256 rejects
  # as "compromised": say what is missing instead, unless that Maven is already installed.
  if ! command -v unzip >/dev/null 2>&1; then
    name=$(sed -n 's/^distributionUrl=.*\/\(apache-maven-[^/]*\)-bin\.zip[[:space:]]*$/\1/p' "$props")
    if ! ls -d "${MAVEN_USER_HOME:-$HOME/.m2}/wrapper/dists/${name:-apache-maven}"/*/bin/mvn >/dev/null 2>&1; then
      echo "zeroheap: ./mvnw needs unzip to install ${name:-Maven} the first time (it checks the -bin.zip's SHA-256); install it, e.g. apt-get install unzip." >&2
      return 1
    fi
  fi
  MVN="$root/mvnw"; export MVN
}

zh_find_jdk25 || exit 1
zh_find_maven || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries call sun.misc.Unsafe; keep JDK 25's warnings about them off the output.
# No colours, and no stray ANSI reset codes (jansi writes them even in batch mode).
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Dstyle.color=never -Djansi.noreset=true"
