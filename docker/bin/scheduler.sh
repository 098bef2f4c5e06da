#!/bin/bash
# The portal's clock, run by the `scheduler` service (exactly one of it):
#   - `ckan harvester run` every HARVEST_RUN_INTERVAL_MINUTES: it creates the jobs of the
#     harvest sources that are due by their frequency, queues them for the gather consumer and
#     marks finished jobs as such;
#   - `ckan ogpcatalog metrics snapshot` once a day, at or after METRICS_SNAPSHOT_AT (HH:MM,
#     UTC). The day of the last successful snapshot is kept in SCHEDULER_STATE_DIR (a volume),
#     so a restart does not take a second snapshot the same day; a failed snapshot is retried
#     an hour later.
# A failed command is logged and does not stop the clock.
set -uo pipefail

harvest_interval_minutes="${HARVEST_RUN_INTERVAL_MINUTES:-15}"
snapshot_at="${METRICS_SNAPSHOT_AT:-02:00}"
state_dir="${SCHEDULER_STATE_DIR:-/var/lib/ogpcatalog/scheduler}"
tick_seconds="${SCHEDULER_TICK_SECONDS:-30}"
snapshot_retry_seconds=3600

log() {
    printf '%s [scheduler] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

if ! [[ "$harvest_interval_minutes" =~ ^[1-9][0-9]*$ ]]; then
    log "HARVEST_RUN_INTERVAL_MINUTES must be a whole number of minutes, not '$harvest_interval_minutes'"
    exit 64
fi
if ! [[ "$snapshot_at" =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]]; then
    log "METRICS_SNAPSHOT_AT must be HH:MM (UTC), not '$snapshot_at'"
    exit 64
fi
mkdir -p "$state_dir"
snapshot_marker="$state_dir/last-metrics-snapshot"

run_ckan() {
    log "ckan $*"
    if ckan -c "${CKAN_INI:-/srv/app/ckan.ini}" "$@"; then
        return 0
    fi
    local status=$?
    log "ckan $* failed (exit $status)"
    return "$status"
}

trap 'log "stopping"; exit 0' TERM INT
log "harvest run every ${harvest_interval_minutes} min; metrics snapshot daily at ${snapshot_at} UTC"

next_harvest_run=0
next_snapshot_try=0
while true; do
    now=$(date -u +%s)
    if (( now >= next_harvest_run )); then
        run_ckan harvester run
        next_harvest_run=$(( now + harvest_interval_minutes * 60 ))
    fi

    today=$(date -u +%Y-%m-%d)
    if [[ ! "$(date -u +%H:%M)" < "$snapshot_at" ]] \
        && [[ "$(cat "$snapshot_marker" 2>/dev/null)" != "$today" ]] \
        && (( now >= next_snapshot_try )); then
        if run_ckan ogpcatalog metrics snapshot; then
            echo "$today" > "$snapshot_marker"
        else
            next_snapshot_try=$(( now + snapshot_retry_seconds ))
        fi
    fi

    # Sleep in the background so that `docker stop` (SIGTERM) is handled at once.
    sleep "$tick_seconds" &
    wait $!
done
