# Sourced by run.sh, test.sh and .ci/run: finds a JDK 25 and Maven, exports JAVA_HOME and MVN.
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

zh_find_maven() { # uses mvn on PATH, else fetches Apache Maven from Maven Central once
  if command -v mvn >/dev/null 2>&1; then MVN=$(command -v mvn); export MVN; return 0; fi
  local version=3.9.11 dir="$HOME/.m2/zeroheap-maven"
  local home="$dir/apache-maven-$version"
  if [ ! -x "$home/bin/mvn" ]; then
    mkdir -p "$dir"
    local url="https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$version/apache-maven-$version-bin.tar.gz"
    echo "zeroheap: no mvn on PATH; fetching Apache Maven $version from Maven Central" >&2
    if ! curl -fsSL "$url" | tar -xz -C "$dir"; then
      echo "zeroheap needs Apache Maven 3.8+; none on PATH and the download from $url failed." >&2
      return 1
    fi
  fi
  MVN="$home/bin/mvn"; export MVN
}

zh_find_jdk25 || exit 1
zh_find_maven || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries call sun.misc.Unsafe; keep JDK 25's warnings about them off the output.
# No colours, and no stray ANSI reset codes (jansi writes them even in batch mode).
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Dstyle.color=never -Djansi.noreset=true"
