#!/usr/bin/env bash
# Keep one background process of the portal alive.
#
#   supervise.sh --name NAME --pidfile FILE -- COMMAND [ARGS...]
#
# Runs COMMAND and restarts it whenever it exits, waiting 1 s, 2 s, 4 s ... up to 60 s between
# restarts (back to 1 s after a run that lasted more than 5 minutes). Periodic work is not
# run from here: `ckan ogpcatalog schedule` is one supervised process that keeps its own clock.
# Every start and exit is logged with a timestamp on stdout (scripts/stack.sh sends it to
# $STATE_DIR/logs/NAME.log). The supervisor writes its own pid to FILE; scripts/stack.sh starts
# it with setsid, so `kill -TERM -- -PID` stops it together with its command.
set -euo pipefail

name="" pidfile=""
while (($#)); do
    case $1 in
        --name) name=$2; shift 2 ;;
        --pidfile) pidfile=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "supervise.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ -n $name && -n $pidfile && $# -gt 0 ]] || { echo "usage: supervise.sh --name N --pidfile F -- CMD..." >&2; exit 2; }

log() { printf '%s [supervise %s] %s\n' "$(date '+%F %T')" "$name" "$*"; }

child=""
stop() {
    log "stopping (signal received)"
    [[ -n $child ]] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
    rm -f "$pidfile"
    exit 0
}
trap stop TERM INT HUP

echo $$ >"$pidfile"
log "supervisor pid $$: $*"

backoff=1
while true; do
    started=$SECONDS
    "$@" &
    child=$!
    log "started pid $child"
    set +e
    wait "$child"
    rc=$?
    set -e
    child=""
    ran=$((SECONDS - started))
    ((ran > 300)) && backoff=1
    log "exited with status $rc after ${ran}s; restarting in ${backoff}s"
    sleep "$backoff" &
    wait $! || true
    backoff=$((backoff * 2 > 60 ? 60 : backoff * 2))
done
