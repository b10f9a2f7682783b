#!/usr/bin/env bash
# Start nguon's development Solr 9.10 node in the foreground.
#
#   bash solr/start.sh            # http://127.0.0.1:8983/solr/plone
#   SOLR_PORT=8984 SOLR_DATA_DIR=/tmp/solr-data bash solr/start.sh
#
# Environment (all optional):
#   SOLR_PORT       port on 127.0.0.1                 (default 8983)
#   SOLR_DATA_DIR   index data, one folder per core   (default <repo>/var/solr-data)
#   SOLR_HOME       solr home holding solr.xml        (default solr/home)
#   SOLR_HEAP       maximum Java heap                 (default 1g)
#   SOLR_JAVA_OPTS  extra JVM options
#   SOLR_LOG_LEVEL  WARN (default), INFO, DEBUG
#
# The first run builds solr/launcher with Maven (dependencies from Maven
# Central into ~/.m2); later runs rebuild only when pom.xml or the Java source
# changed, or a jar of the classpath went missing. Prints one line starting
# with "nguon-solr: ready" when the cores are loaded; Ctrl-C or SIGTERM stops
# Solr cleanly (java is exec'ed, so the signal reaches it directly).
set -euo pipefail

SOLR_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$SOLR_DIR")"
LAUNCHER_DIR="$SOLR_DIR/launcher"
TARGET_DIR="$LAUNCHER_DIR/target"
JAR="$TARGET_DIR/nguon-solr-launcher.jar"
CLASSPATH_FILE="$TARGET_DIR/classpath.txt"

SOLR_PORT="${SOLR_PORT:-8983}"
SOLR_HOME="${SOLR_HOME:-$SOLR_DIR/home}"
SOLR_DATA_DIR="${SOLR_DATA_DIR:-$REPO_DIR/var/solr-data}"
SOLR_HEAP="${SOLR_HEAP:-1g}"

die() {
    echo "nguon-solr: ERROR $*" >&2
    exit 1
}

needs_build() {
    [[ -s "$JAR" && -s "$CLASSPATH_FILE" ]] || return 0
    [[ "$LAUNCHER_DIR/pom.xml" -nt "$CLASSPATH_FILE" ]] && return 0
    [[ -n "$(find "$LAUNCHER_DIR/src" -newer "$JAR" -type f -print -quit)" ]] && return 0
    local entry
    while IFS= read -r -d ':' entry; do
        [[ -f "$entry" ]] || return 0
    done < <(tr -d '\n' < "$CLASSPATH_FILE"; printf ':')
    return 1
}

build() {
    command -v mvn > /dev/null || die "Maven (mvn) is needed to build the Solr launcher: apt-get install maven"
    echo "nguon-solr: building the launcher (first run downloads Solr from Maven Central)" >&2
    # Maven 3.8 prints colour codes even in batch mode; strip them.
    mvn -B -q -f "$LAUNCHER_DIR/pom.xml" package 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2 \
        || die "building solr/launcher failed (see the Maven output above)"
}

command -v java > /dev/null || die "Java 17 or newer is needed: apt-get install openjdk-17-jre-headless"

if needs_build; then
    mkdir -p "$TARGET_DIR"
    # Two starts at once (parallel test runs) must not build over each other.
    exec 9> "$TARGET_DIR/.build.lock"
    flock 9
    if needs_build; then
        build
    fi
    flock -u 9
    exec 9>&-
fi

# shellcheck disable=SC2086  # SOLR_JAVA_OPTS is a list of options
exec java \
    -Xms256m -Xmx"$SOLR_HEAP" \
    -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -Dfile.encoding=UTF-8 \
    -Dlog4j2.configurationFile="$SOLR_DIR/log4j2.xml" \
    ${SOLR_JAVA_OPTS:-} \
    -cp "$JAR:$(cat "$CLASSPATH_FILE")" \
    nguon.solr.NguonSolr \
    --home "$SOLR_HOME" \
    --port "$SOLR_PORT" \
    --data-dir "$SOLR_DATA_DIR" \
    "$@"
