# Shared by bin/ launchers and scripts/: locating the repository and the daemon jars.
# shellcheck shell=bash

SMARTSTACK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export SMARTSTACK_ROOT

# Prints the path of a runnable jar (nerve, synapse, zookeeper-dev), building the project first when
# the jar is missing (or when SMARTSTACK_REBUILD=1). Concurrent callers wait for one build.
smartstack_jar() {
  local jar
  case "$1" in
    nerve) jar="$SMARTSTACK_ROOT/nerve/target/nerve-all.jar" ;;
    synapse) jar="$SMARTSTACK_ROOT/synapse/target/synapse-all.jar" ;;
    zookeeper-dev|tools) jar="$SMARTSTACK_ROOT/common/target/smartstack-tools.jar" ;;
    *) echo "unknown jar: $1" >&2; return 2 ;;
  esac
  if [ ! -f "$jar" ] || [ "${SMARTSTACK_REBUILD:-0}" = 1 ]; then
    smartstack_build >&2
  fi
  printf '%s\n' "$jar"
}

# Builds every runnable jar (no tests), one build at a time.
smartstack_build() {
  command -v mvn >/dev/null 2>&1 || {
    echo "Maven (mvn) is not installed: run ./scripts/test or ./scripts/demo once, or install maven." >&2
    return 1
  }
  mkdir -p "$SMARTSTACK_ROOT/target"
  (
    flock 9
    echo "Building SmartStack (mvn -DskipTests package)..."
    cd "$SMARTSTACK_ROOT" && mvn -q -B -DskipTests -Dspotless.check.skip=true package
  ) 9>"$SMARTSTACK_ROOT/target/.build.lock"
}

# Runs a class of the tools jar (development ZooKeeper, demo service), replacing the shell.
smartstack_exec_tool() {
  local jar
  jar="$(smartstack_jar tools)" || exit 1
  local main="$1"
  shift
  # shellcheck disable=SC2086
  exec java ${JAVA_OPTS:-} -cp "$jar" "$main" "$@"
}

# The sidecar daemons' JVM flags: one file, shared with the installed launchers and the systemd units.
SMARTSTACK_JVM_OPTIONS="$SMARTSTACK_ROOT/bin/jvm.options"

# The flags of bin/jvm.options, one per line (comments and blank lines left out).
smartstack_jvm_options() {
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$SMARTSTACK_JVM_OPTIONS"
}

# The flags that map a jar's class-data-sharing archive (<jar without .jar>.jsa, made at build time),
# one per line; nothing when there is no archive. A stale archive (another JDK, a rebuilt jar) is
# ignored by the JVM; its logging is kept quiet so the daemons' output stays clean.
smartstack_archive_options() {
  local archive="${1%.jar}.jsa"
  if [ -f "$archive" ]; then
    printf '%s\n' "-XX:SharedArchiveFile=$archive" "-Xlog:cds=off" "-Xlog:cds+dynamic=off"
  fi
}

# The daemons' environment: glibc keeps at most 2 malloc arenas (its default is 8 per core, each
# holding freed memory), unless MALLOC_ARENA_MAX is already set.
smartstack_daemon_environment() {
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
}

# Runs a jar with the JVM flags of bin/jvm.options and its class-data-sharing archive (JAVA_OPTS,
# when set, instead), in the daemons' environment, replacing the shell.
smartstack_exec_jar() {
  local jar
  jar="$(smartstack_jar "$1")" || exit 1
  shift
  smartstack_daemon_environment
  if [ -n "${JAVA_OPTS+set}" ]; then
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS} -jar "$jar" "$@"
  fi
  local archive
  mapfile -t archive < <(smartstack_archive_options "$jar")
  exec java "@$SMARTSTACK_JVM_OPTIONS" "${archive[@]}" -jar "$jar" "$@"
}
