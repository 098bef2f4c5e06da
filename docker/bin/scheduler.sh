#!/bin/bash
# The portal's clock, run by the `scheduler` service (exactly one of it): `ckan ogpcatalog
# schedule`, the same command as `make run`'s scheduler. In one process it runs
#   - the harvests every HARVEST_RUN_INTERVAL_MINUTES (what `ckan harvester run` does: it
#     creates the jobs of the harvest sources that are due by their frequency, queues them for
#     the gather consumer and marks finished jobs as such);
#   - the day's metrics snapshot, once a day at or after METRICS_SNAPSHOT_AT (HH:MM, UTC). A
#     day whose snapshot is in the database gets no second one, also after a restart; a failed
#     snapshot is tried again an hour later;
#   - the new attempts of OCDS files whose server was down (every 10 minutes).
# A failed job is logged and does not stop the clock; SIGTERM stops it once the running job is
# over. This script only turns the compose file's settings into the command's options.
set -euo pipefail

harvest_interval_minutes="${HARVEST_RUN_INTERVAL_MINUTES:-15}"
snapshot_at="${METRICS_SNAPSHOT_AT:-02:00}"

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

# exec: the command receives `docker stop`'s SIGTERM itself.
exec ckan -c "${CKAN_INI:-/srv/app/ckan.ini}" ogpcatalog schedule \
    --harvest-interval "$((harvest_interval_minutes * 60))" --snapshot-at "$snapshot_at"
