#!/usr/bin/env bash
# The project's Apache Solr 9.10 on loopback (solr/: Maven module, launcher, configset).
#
#   scripts/solr.sh build        build the launcher with Maven, once (offline afterwards)
#   scripts/solr.sh start-node   one Solr node with the core `ckan` on 127.0.0.1:$SOLR_PORT
#   scripts/solr.sh start-cloud  SolrCloud: ZooKeeper on $SOLR_ZK_PORT, two nodes on
#                                $SOLR_CLOUD_PORTS, the collection `ckan` (1 shard, 2 replicas)
#   scripts/solr.sh stop         stop every Solr and ZooKeeper process of $STATE_DIR, by pid
#   scripts/solr.sh stop-node    stop the single node only; stop-cloud: the SolrCloud only
#   scripts/solr.sh stop-cloud-node N / start-cloud-node N   one node (1 or 2) of the cloud alone
#   scripts/solr.sh status       what runs, where
#
# Data and logs under $SOLR_DATA_DIR ($STATE_DIR/solr), pids in $SOLR_PID_DIR ($STATE_DIR/run),
# the build in $STATE_DIR/solr/build, Maven's cache in $SOLR_MAVEN_REPO. A second, independent
# Solr on the same STATE_DIR (a benchmark, a test run beside `make run`'s) sets its own ports,
# SOLR_DATA_DIR and SOLR_PID_DIR.
# Both start commands use solr/configsets/ckan, the configset production runs, and return once
# Solr answers (ping of the core, or of the collection on both nodes). The index is kept
# between starts, and emptied when the configset has changed since it was made (it is test
# data: re-index with `ckan search-index rebuild`).
# shellcheck disable=SC2329  # functions called through `main`
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${SOLR_PORT:=58983}"
: "${SOLR_CLOUD_PORTS:=58984 58985}"
: "${SOLR_ZK_PORT:=59181}"
: "${SOLR_HEAP:=512m}"
: "${SOLR_MAVEN_REPO:=$STATE_DIR/maven}"
: "${SOLR_START_TIMEOUT:=180}"

SOLR_MODULE="$ROOT/solr"
CONFIGSET="$SOLR_MODULE/configsets/ckan/conf"
SOLR_DIR="${SOLR_DATA_DIR:-$STATE_DIR/solr}"
SOLR_PID_DIR="${SOLR_PID_DIR:-$RUN_DIR}"
BUILD_DIR="$STATE_DIR/solr/build"
SOLR_LOGS="$SOLR_DIR/logs"
LAUNCHER=org.ogpcatalog.solr.Launcher
read -r -a CLOUD_PORTS <<<"$SOLR_CLOUD_PORTS"

# ===================================================================================== build
need_tools() {
    local missing=()
    command -v java >/dev/null && command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null || missing+=(maven)
    if ((${#missing[@]})); then
        if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
            echo "installing ${missing[*]} (Debian packages) ..."
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
                { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } ||
                die "could not install ${missing[*]}" "install Java 17 (JDK) and Maven: apt-get install -y ${missing[*]}"
        else
            die "Solr needs Java 17 (JDK) and Maven, missing: ${missing[*]}" \
                "install them: sudo apt-get install -y ${missing[*]}"
        fi
    fi
    local version
    version="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    [[ ${version%%.*} -ge 17 ]] 2>/dev/null ||
        die "Solr 9.10 needs Java 17 or newer; java here is version ${version:-unknown}" \
            "install openjdk-17-jdk-headless, or put a JDK >= 17 first in PATH"
}

build_stamp() { hash_files "$SOLR_MODULE/pom.xml" "$SOLR_MODULE/src"; }

built() {
    [[ -s $BUILD_DIR/classpath.txt && -d $BUILD_DIR/classes/org ]] || return 1
    [[ "$(cat "$BUILD_DIR/.stamp" 2>/dev/null)" == "$(build_stamp)" ]] || return 1
    local jar
    while read -r -d : jar; do [[ -f $jar ]] || return 1; done < <(cat "$BUILD_DIR/classpath.txt"; echo :)
}

cmd_build() {
    if built; then
        echo "solr: launcher up to date ($BUILD_DIR)"
        return 0
    fi
    need_tools
    mkdir -p "$BUILD_DIR" "$SOLR_MAVEN_REPO"
    local log="$SOLR_LOGS/build.log" args
    mkdir -p "$SOLR_LOGS"
    args=(-B -f "$SOLR_MODULE/pom.xml" "-Dmaven.repo.local=$SOLR_MAVEN_REPO"
        "-Dogp.build.directory=$BUILD_DIR" compile dependency:build-classpath
        "-Dmdep.outputFile=$BUILD_DIR/classpath.txt")
    # Offline first (the cache is filled once); online only when something is missing.
    if ! mvn -o "${args[@]}" >"$log" 2>&1; then
        echo "solr: fetching Solr 9.10.1 and its dependencies from Maven Central (once) ..."
        mvn "${args[@]}" >>"$log" 2>&1 ||
            fail "the Maven build of solr/ failed" "read $log (Maven Central must be reachable the first time)" "$log"
    fi
    build_stamp >"$BUILD_DIR/.stamp"
    echo "solr: launcher built ($BUILD_DIR, Maven cache $SOLR_MAVEN_REPO)"
}

# ================================================================================= processes
# A small heap and the serial collector: quick to start on a small machine (SOLR_HEAP for more).
java_cmd() { # java_cmd NAME: sets JAVA_CMD, the JVM's command line without the launcher's arguments
    JAVA_CMD=(java "-Xmx$SOLR_HEAP" -Xss512k -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError
        -Djava.net.preferIPv4Stack=true "-Dsolr.log.dir=$SOLR_LOGS" "-Dsolr.ogpcatalog.name=$1"
        -cp "$BUILD_DIR/classes:$(cat "$BUILD_DIR/classpath.txt")" "$LAUNCHER")
}

fail() { # fail WHAT FIX LOG: die, showing the end of LOG when not inside a stack.sh step
    [[ -z $STEP_TMP && -f ${3:-} ]] && tail -n 30 "$3" | sed 's/^/  | /' >&2
    die "$@"
}

running() { pid_alive "$SOLR_PID_DIR/$1.pid" "$LAUNCHER"; }

launch() { # launch NAME LAUNCHER-ARGS...: start the launcher in the background, its pid in run/
    local name=$1
    shift
    local log="$SOLR_LOGS/$name.log"
    java_cmd "$name"
    printf '\n=== %s %s\n' "$(date '+%F %T')" "$*" >>"$log"
    # Solr 9 turns every SOLR_* environment variable into a system property (SOLR_DATA_DIR
    # into solr.data.dir, which would put every core's index in one directory): the
    # launcher gets its settings as arguments only.
    local clean=() var
    for var in $(compgen -e); do [[ $var == SOLR_* ]] && clean+=(-u "$var"); done
    setsid env "${clean[@]}" "${JAVA_CMD[@]}" "$@" >>"$log" 2>&1 </dev/null 9>&- &
    echo $! >"$SOLR_PID_DIR/$name.pid"
}

stop_one() { # stop_one NAME: SIGTERM (Jetty and ZooKeeper shut down cleanly), SIGKILL after 30 s
    local name=$1 pid i
    if running "$name"; then
        pid="$(cat "$SOLR_PID_DIR/$name.pid")"
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
        echo "stopped $name (pid $pid)"
    fi
    rm -f "$SOLR_PID_DIR/$name.pid"
}

wait_for() { # wait_for NAME WHAT COMMAND...: until COMMAND succeeds; dies if NAME exits
    local name=$1 what=$2 deadline=$((SECONDS + SOLR_START_TIMEOUT))
    shift 2
    until "$@"; do
        running "$name" || fail "$name exited while starting ($what)" "read $SOLR_LOGS/$name.log" \
            "$SOLR_LOGS/$name.log"
        ((SECONDS < deadline)) || fail "$name: no $what within ${SOLR_START_TIMEOUT}s" \
            "read $SOLR_LOGS/$name.log" "$SOLR_LOGS/$name.log"
        sleep 0.3
    done
}

ping_ok() { # ping_ok URL: Solr's ping handler answers status OK
    curl -fsS --max-time 5 "$1/admin/ping?wt=json" 2>/dev/null | grep -q '"status" *: *"OK"'
}

check_port() { # check_port PORT SETTING
    port_in_use "$1" && die "port $1 is already in use by another program" \
        "choose another one, e.g. $2=$(($1 + 100)) (or stop the old Solr: scripts/solr.sh stop)"
    return 0
}

# Empty DIR (a node's or the cloud's data) when it was made with another configset.
fresh_if_configset_changed() { # fresh_if_configset_changed DIR
    local stamp
    stamp="$(hash_files "$CONFIGSET")"
    if [[ -d $1 && "$(cat "$1/.configset" 2>/dev/null)" != "$stamp" ]]; then
        rm -rf "$1"
        echo "solr: the configset changed, $1 emptied"
    fi
    mkdir -p "$1"
    echo "$stamp" >"$1/.configset"
}

prepare() {
    ensure_dirs
    mkdir -p "$SOLR_LOGS" "$SOLR_PID_DIR"
    built || cmd_build
    command -v java >/dev/null || die "Solr needs Java 17, and java is not in PATH" \
        "install it: sudo apt-get install -y openjdk-17-jdk-headless"
}

# ============================================================================ one Solr node
cmd_start_node() {
    prepare
    local url="http://127.0.0.1:$SOLR_PORT/solr/ckan" started=$SECONDS
    if running solr-node && ping_ok "$url"; then
        echo "solr: node already running, $url"
        return 0
    fi
    stop_one solr-node
    check_port "$SOLR_PORT" SOLR_PORT
    fresh_if_configset_changed "$SOLR_DIR/node"
    launch solr-node node --port "$SOLR_PORT" --home "$SOLR_DIR/node" --configset "$CONFIGSET"
    wait_for solr-node "answer from $url/admin/ping" ping_ok "$url"
    echo "solr: node ready in $((SECONDS - started))s, $url (logs $SOLR_LOGS/solr-node.log)"
}

# ================================================================================= SolrCloud
cloud_url() { echo "http://127.0.0.1:${CLOUD_PORTS[$1]}/solr"; }

zk_ready() { grep -q "configset ckan uploaded" "$SOLR_LOGS/solr-zk.log" 2>/dev/null && port_in_use "$SOLR_ZK_PORT"; }

node_up() { curl -fsS --max-time 5 "$1/admin/info/system?wt=json" >/dev/null 2>&1; }

# Both replicas of the collection active, each node live.
collection_active() {
    curl -fsS --max-time 10 "$(cloud_url 0)/admin/collections?action=CLUSTERSTATUS&collection=ckan&wt=json" 2>/dev/null |
        "$PYTHON" -c '
import json, sys
status = json.load(sys.stdin)["cluster"]
shards = status["collections"]["ckan"]["shards"].values()
replicas = [r for s in shards for r in s["replicas"].values()]
live = set(status["live_nodes"])
sys.exit(0 if len(replicas) >= 2 and all(r["state"] == "active" and r["node_name"] in live for r in replicas) else 1)' 2>/dev/null
}

cmd_start_cloud() {
    prepare
    local started=$SECONDS i names=(solr-zk solr-cloud1 solr-cloud2) all=1 name
    for name in "${names[@]}"; do running "$name" || all=0; done
    if ((all)) && collection_active; then
        echo "solr: cloud already running, $(cloud_url 0)/ckan and $(cloud_url 1)/ckan"
        return 0
    fi
    for name in "${CLOUD_PROCESSES[@]}"; do stop_one "$name"; done
    check_port "$SOLR_ZK_PORT" SOLR_ZK_PORT
    check_port "${CLOUD_PORTS[0]}" SOLR_CLOUD_PORTS
    check_port "${CLOUD_PORTS[1]}" SOLR_CLOUD_PORTS
    fresh_if_configset_changed "$SOLR_DIR/cloud"
    : >"$SOLR_LOGS/solr-zk.log"
    launch solr-zk zk --port "$SOLR_ZK_PORT" --data "$SOLR_DIR/cloud/zk" --configset "$CONFIGSET"
    wait_for solr-zk "ZooKeeper with the configset" zk_ready
    for i in 0 1; do
        launch "solr-cloud$((i + 1))" cloud-node --port "${CLOUD_PORTS[$i]}" \
            --home "$SOLR_DIR/cloud/node$((i + 1))" --zk "127.0.0.1:$SOLR_ZK_PORT"
    done
    for i in 0 1; do
        wait_for "solr-cloud$((i + 1))" "answer from $(cloud_url "$i")" node_up "$(cloud_url "$i")"
    done
    if ! curl -fsS --max-time 10 "$(cloud_url 0)/admin/collections?action=LIST&wt=json" | grep -q '"ckan"'; then
        curl -fsS --max-time 120 "$(cloud_url 0)/admin/collections?action=CREATE&name=ckan&numShards=1&replicationFactor=2&collection.configName=ckan&waitForFinalState=true&wt=json" \
            >>"$SOLR_LOGS/solr-cloud1.log" 2>&1 ||
            fail "SolrCloud did not create the collection ckan" "read $SOLR_LOGS/solr-cloud1.log" \
                "$SOLR_LOGS/solr-cloud1.log"
    fi
    wait_for solr-cloud1 "two active replicas of ckan" collection_active
    for i in 0 1; do
        wait_for "solr-cloud$((i + 1))" "ping of ckan" ping_ok "$(cloud_url "$i")/ckan"
    done
    echo "solr: cloud ready in $((SECONDS - started))s, $(cloud_url 0)/ckan and $(cloud_url 1)/ckan," \
        "ZooKeeper 127.0.0.1:$SOLR_ZK_PORT (logs $SOLR_LOGS/)"
}

# One node of the cloud alone (the failover test, tests/search/test_solr_cloud_failover.py):
# stop it (SIGTERM, as an orchestrator does), start it again on its own data, wait until both
# replicas are active again (the restarted one recovers from the other).
cmd_stop_cloud_node() { # cmd_stop_cloud_node 1|2
    [[ ${1:-} == [12] ]] || die "which cloud node? 1 or 2" "scripts/solr.sh stop-cloud-node 1"
    stop_one "solr-cloud$1"
}

cmd_start_cloud_node() { # cmd_start_cloud_node 1|2
    [[ ${1:-} == [12] ]] || die "which cloud node? 1 or 2" "scripts/solr.sh start-cloud-node 1"
    prepare
    local i=$(($1 - 1)) name="solr-cloud$1" started=$SECONDS
    running solr-zk || die "ZooKeeper of the cloud is not running" "scripts/solr.sh start-cloud"
    if ! running "$name"; then
        check_port "${CLOUD_PORTS[$i]}" SOLR_CLOUD_PORTS
        launch "$name" cloud-node --port "${CLOUD_PORTS[$i]}" --home "$SOLR_DIR/cloud/node$1" \
            --zk "127.0.0.1:$SOLR_ZK_PORT"
    fi
    wait_for "$name" "answer from $(cloud_url "$i")" node_up "$(cloud_url "$i")"
    wait_for "$name" "two active replicas of ckan" collection_active
    echo "solr: $name back in $((SECONDS - started))s, both replicas active"
}

# ============================================================================== stop, status
CLOUD_PROCESSES=(solr-cloud2 solr-cloud1 solr-zk)
SOLR_PROCESSES=(solr-node "${CLOUD_PROCESSES[@]}")

cmd_stop() { # cmd_stop NAME...
    [[ -d $SOLR_PID_DIR ]] || return 0
    local name
    for name in "$@"; do stop_one "$name"; done
}

cmd_status() {
    local name
    for name in "${SOLR_PROCESSES[@]}"; do
        if running "$name"; then
            printf '%-18s running, pid %s\n' "$name" "$(cat "$SOLR_PID_DIR/$name.pid")"
        else
            printf '%-18s stopped\n' "$name"
        fi
    done
}

main() {
    case "${1:-}" in
        build) cmd_build ;;
        start-node) cmd_start_node ;;
        start-cloud) cmd_start_cloud ;;
        stop) cmd_stop "${SOLR_PROCESSES[@]}" ;;
        stop-node) cmd_stop solr-node ;;
        stop-cloud) cmd_stop "${CLOUD_PROCESSES[@]}" ;;
        stop-cloud-node) cmd_stop_cloud_node "${2:-}" ;;
        start-cloud-node) cmd_start_cloud_node "${2:-}" ;;
        status) cmd_status ;;
        *) echo "usage: $0 {build|start-node|start-cloud|stop|stop-node|stop-cloud|stop-cloud-node N|start-cloud-node N|status}" >&2
           return 2 ;;
    esac
}

main "$@"; exit
