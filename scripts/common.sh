# Shared settings and helpers of scripts/stack.sh, test.sh and i18n.sh (sourced, not run).
# shellcheck shell=bash disable=SC2034  # the settings are used by the scripts that source this
#
# Every setting comes from the environment with the default documented in README.md.
# The Makefile exports the same names with the same defaults.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

: "${STATE_DIR:=/var/lib/ogpcatalog}"
: "${PORT:=5000}"
: "${PGPORT:=55432}"
: "${REDIS_PORT:=56379}"
: "${PYTHON:=python3}"
: "${WEB_WORKERS:=2}"
: "${HARVEST_INTERVAL:=60}"
: "${ADMIN_USER:=admin}"
: "${ADMIN_EMAIL:=admin@example.org}"
: "${DEMO:=1}"
: "${TEST_DB:=ckan_ogp_test}"
: "${PG_SOCKET_DIR:=/tmp}"

STATE_DIR="${STATE_DIR%/}"
VENV="$STATE_DIR/venv"
PGDATA="$STATE_DIR/pgdata"
RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/logs"
STAMP_DIR="$STATE_DIR/stamps"
CKAN_INI="$STATE_DIR/ckan.ini"
SETUP_LOG="$LOG_DIR/setup.log"
STATE_MARKER="$STATE_DIR/.ogpcatalog-state"

DB_USER=ckan_default
DB_PASSWORD=ckan
DB_NAME=ckan_ogp
SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
# The OCDS JSON Schemas that validation reads (no PyPI package ships them, and the portal does
# not download them at run time): a directory of schema files or a ZIP of the standard. By
# default the 1.1.5 schemas of ../shared/corpus when that folder exists beside the checkout.
OCDS_STANDARD="${OCDS_STANDARD:-$( [[ -d $ROOT/../shared/corpus/ocds/schema-1.1.5 ]] && cd "$ROOT/../shared/corpus/ocds/schema-1.1.5" && pwd )}"
SQLALCHEMY_URL="postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PGPORT/$DB_NAME"
TEST_SQLALCHEMY_URL="postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PGPORT/$TEST_DB"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"

# ---------------------------------------------------------------------------------------------
# Progress: `step "Title" function args...` prints "[3/12] Title ... ok (2s)".
#
# The function runs in a subshell with `set -e` in force (bash ignores -e inside `if`, so the
# status is read afterwards); its output goes to $SETUP_LOG. Inside a step:
#   note "text"            shown after "ok", e.g. "ok (already running)"
#   die "what" "fix" [log] stop the step: prints what failed, how to fix it, and the log's tail
#   warn "text"            printed under the step line, the step still succeeds
# ---------------------------------------------------------------------------------------------
STEP_NO=0
STEP_TOTAL=0
STEP_TMP=""

steps_begin() { # steps_begin TOTAL
    STEP_TOTAL=$1
    STEP_NO=0
    STEP_TMP="$(mktemp -d)"
    trap 'rm -rf "$STEP_TMP"' EXIT
}

step() {
    local title=$1
    shift
    STEP_NO=$((STEP_NO + 1))
    printf '[%d/%d] %s ... ' "$STEP_NO" "$STEP_TOTAL" "$title"
    rm -f "$STEP_TMP"/{note,what,fix,log,warn}
    printf '\n=== %s [%d/%d] %s\n' "$(date '+%F %T')" "$STEP_NO" "$STEP_TOTAL" "$title" >>"$SETUP_LOG"
    local started=$SECONDS rc=0 offset
    offset="$(stat -c %s "$SETUP_LOG")"
    set +e
    (set -e; "$@") >>"$SETUP_LOG" 2>&1 </dev/null
    rc=$?
    set -e
    local took=$((SECONDS - started)) note=""
    [[ -s $STEP_TMP/note ]] && note="$(paste -sd ';' "$STEP_TMP/note" | sed 's/;/; /g'), "
    if ((rc == 0)); then
        printf 'ok (%s%ss)\n' "$note" "$took"
        [[ -s $STEP_TMP/warn ]] && sed 's/^/      warning: /' "$STEP_TMP/warn"
        return 0
    fi
    printf 'FAILED (%ss)\n' "$took"
    local what="exit status $rc" fix="see the log below" log="$SETUP_LOG"
    [[ -s $STEP_TMP/what ]] && what="$(cat "$STEP_TMP/what")"
    [[ -s $STEP_TMP/fix ]] && fix="$(cat "$STEP_TMP/fix")"
    [[ -s $STEP_TMP/log ]] && log="$(cat "$STEP_TMP/log")"
    echo "      what failed: $what"
    echo "      how to fix:  $fix"
    if [[ $log == "$SETUP_LOG" ]]; then
        echo "      last lines of this step's output ($SETUP_LOG):"
        tail -c "+$((offset + 1))" "$SETUP_LOG" | tail -n 25 | sed 's/^/        | /'
    elif [[ -f $log ]]; then
        echo "      last lines of $log:"
        tail -n 25 "$log" | sed 's/^/        | /'
        echo "      this step's output: $SETUP_LOG"
    fi
    exit 1
}

note() { echo "$*" >>"$STEP_TMP/note"; }
warn() { echo "$*" >>"$STEP_TMP/warn"; echo "warning: $*"; }
die() { # die WHAT FIX [LOG]
    if [[ -z $STEP_TMP ]]; then
        printf 'error: %s\nhow to fix: %s\n' "$1" "${2:-}" >&2
        exit 1
    fi
    echo "$1" >"$STEP_TMP/what"
    echo "${2:-see the log below}" >"$STEP_TMP/fix"
    [[ -n ${3:-} ]] && echo "$3" >"$STEP_TMP/log"
    echo "error: $1"
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
say() { printf '%s\n' "$*"; }

ensure_dirs() {
    mkdir -p "$STATE_DIR" "$RUN_DIR" "$LOG_DIR" "$STAMP_DIR"
    [[ -f $STATE_MARKER ]] || echo "state of ckanext-ogpcatalog's make run; remove with make clean" >"$STATE_MARKER"
}

# Serialise set-up between concurrent `make run`/`make test` on the same STATE_DIR.
# Fd 9 holds the lock: every daemon is started with `9>&-` so that it does not inherit it.
lock_state() {
    exec 9>"$RUN_DIR/setup.lock"
    if ! flock -n 9; then
        say "Waiting for another make run/test on $STATE_DIR to finish its set-up ..."
        flock -w 900 9 || { say "error: $RUN_DIR/setup.lock still held after 15 min" >&2; exit 1; }
    fi
}
unlock_state() { exec 9>&-; }

# Something already accepts TCP connections on 127.0.0.1:$1?
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid in pidfile $1 is alive and its command line matches the regex $2.
pid_alive() {
    local pidfile=$1 pattern=$2 pid
    [[ -s $pidfile ]] || return 1
    pid="$(head -n1 "$pidfile")"
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -Eq -- "$pattern"
}

hash_files() { # hash_files FILE_OR_DIR... : one hash of all regular files under the arguments
    local p
    for p in "$@"; do
        [[ -e $p ]] || { echo "missing:$p"; continue; }
        find "$p" -type f ! -name '*.pyc' -print0 | sort -z | xargs -0r sha256sum
    done | sha256sum | cut -c1-16
}

pg_bin() { # the PostgreSQL binaries for this cluster: its own version if it exists, else 15
    local v=""
    [[ -f $PGDATA/PG_VERSION ]] && v="$(cat "$PGDATA/PG_VERSION")"
    if [[ -n $v && -x /usr/lib/postgresql/$v/bin/pg_ctl ]]; then
        echo "/usr/lib/postgresql/$v/bin"
    elif [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
        echo /usr/lib/postgresql/15/bin
    else
        { find /usr/lib/postgresql -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null || true; } |
            sort -V | tail -n1 | xargs -r dirname
    fi
}

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# psql as the cluster's superuser over the local socket; prints unaligned tuples.
psql_admin() { # psql_admin DB SQL
    as_postgres "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PGPORT" -d "$1" -tAc "$2"
}

ckan_cli() { "$VENV/bin/ckan" -c "$CKAN_INI" "$@"; }
