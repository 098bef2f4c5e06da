#!/usr/bin/env bash
# The portal's local stack: system packages, virtualenv, PostgreSQL, Redis, CKAN, workers, web.
#
#   scripts/stack.sh run         everything `make run` does (see README.md); SEARCH=solr: the
#                                portal on the project's Solr node instead of the embedded backend
#   scripts/stack.sh config      only write $STATE_DIR/ckan.ini (from deploy/ckan.ini.in)
#   scripts/stack.sh test-setup  what `make test` needs: venv, PostgreSQL, Redis, test database
#   scripts/stack.sh venv        system packages and the virtualenv only (make i18n)
#   scripts/stack.sh stop        stop every process started from $STATE_DIR, by pid
#   scripts/stack.sh clean       stop, then delete $STATE_DIR after asking (YES=1: don't ask)
#   scripts/stack.sh status      what runs, where
#
# Idempotent: each step checks what exists and only does what is missing.
# shellcheck disable=SC2329  # the step_* functions are called through `step "Title" step_x`
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SUPERVISED=(jobs-worker harvest-gather harvest-fetch scheduler)
# Supervised processes of earlier versions, now all inside `scheduler`: stopped if still running.
RETIRED=(harvest-scheduler metrics-scheduler ocds-retry)

# ============================================================================ system packages
step_packages() {
    local need=()
    command -v "$PYTHON" >/dev/null || need+=(python3 python3-venv python3-dev)
    command -v runuser >/dev/null || need+=(util-linux)
    command -v curl >/dev/null || need+=(curl)
    command -v redis-server >/dev/null || need+=(redis-server)
    command -v redis-cli >/dev/null || need+=(redis-tools)
    # The browser journeys (make e2e, part of make test) drive Debian's Chromium.
    [[ ${WANT_BROWSER:-0} == 1 ]] && ! command -v "${CHROMIUM:-chromium}" >/dev/null && need+=(chromium)
    # ... and check every page with axe-core, from the npm registry (step_axe).
    [[ ${WANT_BROWSER:-0} == 1 ]] && ! command -v npm >/dev/null && need+=(nodejs npm)
    [[ -n $(pg_bin) ]] || need+=(postgresql-15)
    if [[ -n $(pg_bin) ]] && ! compgen -G "/usr/share/postgresql/*/extension/unaccent.control" >/dev/null; then
        need+=(postgresql-contrib)
    fi
    if [[ ! -x $VENV/bin/python ]]; then
        "$PYTHON" -m ensurepip --version >/dev/null 2>&1 || need+=(python3-venv)
        # psycopg2 is built from source: it needs pg_config, a compiler and Python's headers.
        command -v pg_config >/dev/null || need+=(libpq-dev)
        command -v gcc >/dev/null || need+=(build-essential)
        "$PYTHON" -c 'import os, sysconfig; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' \
            2>/dev/null || need+=(python3-dev)
    fi
    if ((${#need[@]} == 0)); then
        note "all present"
        return 0
    fi
    [[ $(id -u) == 0 ]] || die "missing system packages: ${need[*]}" \
        "run as root, or install them: sudo apt-get install -y ${need[*]}"
    command -v apt-get >/dev/null || die "missing system packages: ${need[*]}" \
        "install the equivalents with your system's package manager (this script knows Debian/Ubuntu)"
    # Debian's postgresql package would create and start a default cluster on port 5432: the
    # project runs its own cluster, so ask postgresql-common not to.
    if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1
    apt-get update -q || die "apt-get update failed" "check the network and /etc/apt/sources.list"
    apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${need[@]}" ||
        die "apt-get install ${need[*]} failed" "read the apt output in the log"
    note "installed ${need[*]}"
}

# ================================================================================ virtualenv
venv_stamp() {
    {
        echo "$ROOT"
        "$PYTHON" -c 'import sys; print(sys.version)'
        cat "$ROOT/setup.py" "$ROOT/pyproject.toml"
    } | sha256sum | cut -c1-16
}

step_venv() {
    local stamp
    stamp="$(venv_stamp)"
    if [[ -x $VENV/bin/ckan && "$(cat "$VENV/.ogpcatalog-installed" 2>/dev/null)" == "$stamp" ]]; then
        note "up to date"
        return 0
    fi
    if [[ ! -x $VENV/bin/python ]]; then
        "$PYTHON" -m venv "$VENV" || die "could not create the virtualenv $VENV with $PYTHON" \
            "install python3-venv, or set PYTHON=/path/to/python3.11"
        "$VENV/bin/pip" install -q --upgrade pip setuptools wheel ||
            die "pip could not reach PyPI" "check the network (PyPI must be reachable)"
        note "created $VENV"
    fi
    "$VENV/bin/pip" install -q -e "${ROOT}[test]" ||
        die "pip install -e '.[test]' failed" \
            "read the pip error in the log; psycopg2 needs libpq-dev, build-essential, python3-dev"
    echo "$stamp" >"$VENV/.ogpcatalog-installed"
    note "installed the pinned dependencies of setup.py"
}

# ================================================================================ PostgreSQL
step_pg_cluster() {
    if [[ -f $PGDATA/PG_VERSION ]]; then
        note "exists, PostgreSQL $(cat "$PGDATA/PG_VERSION")"
        return 0
    fi
    id postgres >/dev/null 2>&1 || die "the system user 'postgres' does not exist" \
        "install postgresql-15 (apt-get install -y postgresql-15), which creates it"
    as_postgres test -x "$STATE_DIR" || die "the postgres user cannot enter $STATE_DIR" \
        "choose a STATE_DIR outside root-only paths such as /root, e.g. STATE_DIR=/var/lib/ogpcatalog"
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    # Peer authentication on the socket (for the postgres user), passwords over TCP (for CKAN).
    as_postgres "$(pg_bin)/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 ||
        die "initdb failed" "read the initdb output in the log; remove $PGDATA if it is half-made"
    note "created $PGDATA"
}

postgres_running() { as_postgres "$(pg_bin)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

step_pg_start() {
    local pgbin log="$LOG_DIR/postgres.log"
    pgbin="$(pg_bin)"
    if postgres_running; then
        local port
        port="$(sed -n 4p "$PGDATA/postmaster.pid")"
        [[ $port == "$PGPORT" ]] || die "the cluster in $PGDATA already runs on port $port" \
            "use PGPORT=$port, or stop it first with: make stop"
        head -n1 "$PGDATA/postmaster.pid" >"$RUN_DIR/postgres.pid"
        note "already running on port $PGPORT"
        return 0
    fi
    port_in_use "$PGPORT" && die "port $PGPORT is already in use by another program" \
        "choose another port, e.g. PGPORT=$((PGPORT + 100)) make ..."
    touch "$log"
    chown postgres:postgres "$log"
    as_postgres "$pgbin/pg_ctl" -D "$PGDATA" -l "$log" -w -t 60 \
        -o "-p $PGPORT -k $PG_SOCKET_DIR -c listen_addresses=127.0.0.1" start 9>&- ||
        die "PostgreSQL did not start" "read $log" "$log"
    head -n1 "$PGDATA/postmaster.pid" >"$RUN_DIR/postgres.pid"
    note "started on 127.0.0.1:$PGPORT"
}

step_databases() { # step_databases DBNAME...
    local have
    have="$(psql_admin postgres "SELECT count(*) FROM pg_available_extensions WHERE name IN ('unaccent', 'pg_trgm')")"
    [[ $have == 2 ]] || die "PostgreSQL lacks the unaccent and pg_trgm extensions" \
        "apt-get install -y postgresql-contrib (or postgresql-15, which includes them)"
    if [[ -z $(psql_admin postgres "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'") ]]; then
        psql_admin postgres "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
        note "created role $DB_USER"
    fi
    local db
    for db in "$@"; do
        if [[ -z $(psql_admin postgres "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
            psql_admin postgres "CREATE DATABASE $db OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
            note "created $db"
        else
            note "$db exists"
        fi
    done
}

# ===================================================================================== Redis
step_redis() {
    local pidfile="$RUN_DIR/redis.pid" log="$LOG_DIR/redis.log"
    if pid_alive "$pidfile" redis-server; then
        [[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] ||
            die "the project's Redis (pid $(cat "$pidfile")) does not answer on port $REDIS_PORT" \
                "it probably runs on another port: set REDIS_PORT to it, or run: make stop"
        note "already running on port $REDIS_PORT"
        return 0
    fi
    port_in_use "$REDIS_PORT" && die "port $REDIS_PORT is already in use by another program" \
        "choose another port, e.g. REDIS_PORT=$((REDIS_PORT + 100)) make ..."
    mkdir -p "$STATE_DIR/redis"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$pidfile" \
        --logfile "$log" --dir "$STATE_DIR/redis" --save "300 1" 9>&- ||
        die "redis-server did not start" "read $log" "$log"
    local i
    for i in $(seq 50); do
        [[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] && break
        sleep 0.2
    done
    [[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] ||
        die "Redis does not answer on port $REDIS_PORT" "read $log" "$log"
    note "started on 127.0.0.1:$REDIS_PORT"
}

# ================================================================================ CKAN config
secret_key() {
    local f="$STATE_DIR/secret.key"
    if [[ ! -s $f ]]; then
        (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$f")
    fi
    cat "$f"
}

step_config() {
    local tmp="$CKAN_INI.new"
    mkdir -p "$STATE_DIR/storage" "$STATE_DIR/cache"
    (umask 077 && sed \
        -e "s|@SITE_URL@|$SITE_URL|g" \
        -e "s|@SECRET_KEY@|$(secret_key)|g" \
        -e "s|@SQLALCHEMY_URL@|$SQLALCHEMY_URL|g" \
        -e "s|@REDIS_URL@|$REDIS_URL|g" \
        -e "s|@STATE_DIR@|$STATE_DIR|g" \
        -e "s|@OCDS_STANDARD@|$OCDS_STANDARD|g" \
        -e "s|@HARVEST_ALLOWED_PRIVATE@|${HARVEST_ALLOWED_PRIVATE:-}|g" \
        "$ROOT/deploy/ckan.ini.in" >"$tmp")
    if [[ -n ${CKAN_PLUGINS:-} ]]; then
        sed -i "s|^ckan\.plugins = .*|ckan.plugins = $CKAN_PLUGINS|" "$tmp"
        note "plugins from CKAN_PLUGINS"
    fi
    if [[ $SEARCH == solr ]]; then
        # CKAN's own search on the project's Solr node: without ogpcatalog_search.
        sed -i -E -e '/^ckan\.plugins *=/{s/([= ])ogpcatalog_search( |$)/\1/;s/ +$//}' \
            -e "s|^solr_url *=.*|solr_url = $(solr_core_url)|" "$tmp"
        note "search on Solr, $(solr_core_url)"
    fi
    if [[ -f $STATE_DIR/ckan.local.ini ]]; then
        "$VENV/bin/ckan" config-tool "$tmp" -f "$STATE_DIR/ckan.local.ini" ||
            die "could not merge $STATE_DIR/ckan.local.ini" "check its syntax (an [app:main] section)"
        note "merged ckan.local.ini"
    fi
    if grep -v '^ *#' "$tmp" | grep -q '@[A-Z_]*@'; then
        die "unfilled placeholders in deploy/ckan.ini.in: $(grep -v '^ *#' "$tmp" | grep -o '@[A-Z_]*@' | sort -u | xargs)" \
            "add them to step_config in scripts/stack.sh"
    fi
    if cmp -s "$tmp" "$CKAN_INI"; then
        rm -f "$tmp"
        note "unchanged"
    else
        mv "$tmp" "$CKAN_INI"
        note "wrote $CKAN_INI"
    fi
}

# ================================================================================ migrations
plugins_of() { sed -n 's/^ckan\.plugins *= *//p' "$1" | tail -n1; }

# The project's own alembic migrations: ckanext/ogpcatalog/migration/<plugin>/ (CKAN's layout).
own_migration_plugins() {
    find "$ROOT/ckanext/ogpcatalog" -path '*/migration/*/alembic.ini' 2>/dev/null |
        awk -F/ '{print $(NF-1)}' | sort -u
}

migrations_stamp() { # migrations_stamp DBNAME INI
    local site own=()
    site="$(echo "$VENV"/lib/python3*/site-packages)"
    mapfile -t own < <(find "$ROOT/ckanext" -type d -name migration)
    {
        psql_admin postgres "SELECT oid FROM pg_database WHERE datname = '$1'"
        plugins_of "$2"
        hash_files "$site/ckan/migration" "$site"/ckanext/*/migration "${own[@]}"
    } | sha256sum | cut -c1-16
}

migrate_db() { # migrate_db DBNAME INI
    local db=$1 ini=$2 plugin plugins
    plugins=" $(plugins_of "$ini") "
    # `ckan db init` = `ckan db upgrade`: core, then every enabled plugin's pending migrations.
    "$VENV/bin/ckan" -c "$ini" db init ||
        die "ckan db init failed on $db" "read the traceback in the log (a plugin that does not load?)"
    # The same, plugin by plugin, to fail loudly if one of them cannot migrate.
    for plugin in harvest $(own_migration_plugins); do
        [[ $plugins == *" $plugin "* ]] || continue
        "$VENV/bin/ckan" -c "$ini" db upgrade -p "$plugin" ||
            die "ckan db upgrade -p $plugin failed on $db" "read the traceback in the log"
        note "$plugin"
    done
}

step_migrate() {
    local stamp_file="$STAMP_DIR/migrations-$DB_NAME" stamp
    stamp="$(migrations_stamp "$DB_NAME" "$CKAN_INI")"
    if [[ "$(cat "$stamp_file" 2>/dev/null)" == "$stamp" ]] &&
        [[ -n $(psql_admin "$DB_NAME" "SELECT to_regclass('public.alembic_version')") ]]; then
        note "up to date"
        return 0
    fi
    migrate_db "$DB_NAME" "$CKAN_INI"
    echo "$stamp" >"$stamp_file"
    note "core and plugins migrated"
}

step_test_migrate() {
    export CKAN_SQLALCHEMY_URL="$TEST_SQLALCHEMY_URL" CKAN_REDIS_URL="$TEST_REDIS_URL"
    migrate_db "$TEST_DB" "$ROOT/test.ini"
    note "$TEST_DB migrated"
}

# ============================================================================== search index
step_search_index() {
    # Creates or upgrades the PostgreSQL search index; re-indexes when it is new or outdated
    # while the portal holds datasets (searches answer 503 until then).
    ckan_cli ogpcatalog search init --rebuild-if-needed ||
        die "the search index could not be prepared" "read the log; then: ckan -c $CKAN_INI ogpcatalog search rebuild"
    note "ready"
}

# ====================================================================================== Solr
# SEARCH=solr make run: the portal on the project's Solr node (scripts/solr.sh, the configset
# solr/configsets/ckan) instead of the embedded PostgreSQL backend, the default.
: "${SEARCH:=embedded}"
case $SEARCH in
    embedded | solr) ;;
    *) die "SEARCH must be embedded (the default) or solr, not '$SEARCH'" "SEARCH=solr make run, or leave it unset" ;;
esac

solr_core_url() { echo "http://127.0.0.1:${SOLR_PORT:-58983}/solr/ckan"; }

step_solr_start() {
    local out
    out="$(bash "$ROOT/scripts/solr.sh" start-node 2>&1)" || {
        echo "$out"
        die "the Solr node did not start" "read the log above; SEARCH=embedded (the default) needs no Solr"
    }
    note "${out##*solr: }"
}

step_solr_index() {
    # Datasets made while the portal ran on the embedded backend are indexed into Solr (CKAN's
    # own command; only the missing ones, so a second run costs one query).
    ckan_cli search-index rebuild --only-missing ||
        die "ckan search-index rebuild --only-missing failed on Solr" "read the log; is $(solr_core_url) answering?"
    note "ready ($(solr_core_url))"
}

# axe-core for the browser journeys' accessibility checks (tests/e2e/accessibility.py reads
# $STATE_DIR/node/node_modules/axe-core/axe.min.js), pinned, from the npm registry.
AXE_CORE_VERSION=4.14.1
step_axe() {
    local have
    have="$(sed -n 's/^ *"version": *"\(.*\)",*$/\1/p' "$STATE_DIR/node/node_modules/axe-core/package.json" 2>/dev/null | head -n1 || true)"
    if [[ $have == "$AXE_CORE_VERSION" ]]; then
        note "axe-core $have"
        return 0
    fi
    npm install --no-audit --no-fund --prefix "$STATE_DIR/node" "axe-core@$AXE_CORE_VERSION" ||
        die "npm install axe-core@$AXE_CORE_VERSION failed" "check the network to registry.npmjs.org"
    note "installed axe-core $AXE_CORE_VERSION"
}

# The project's Solr for the tests (scripts/solr.sh, solr/): built once, started by the tests.
step_solr_build() {
    local out
    out="$(bash "$ROOT/scripts/solr.sh" build 2>&1)" || {
        echo "$out"
        die "the Solr launcher (solr/) could not be built" \
            "read the log; Java 17 and Maven are needed (apt-get install -y openjdk-17-jdk-headless maven)"
    }
    echo "$out"
    note "${out##*solr: }"
}

# ================================================================================== sysadmin
step_sysadmin() {
    local pwfile="$STATE_DIR/sysadmin.password" is_sysadmin password
    is_sysadmin="$(psql_admin "$DB_NAME" "SELECT sysadmin FROM \"user\" WHERE name = '$ADMIN_USER' AND state = 'active'")"
    if [[ $is_sysadmin == t ]]; then
        note "$ADMIN_USER exists"
        return 0
    fi
    if [[ -z $is_sysadmin ]]; then
        password="${ADMIN_PASSWORD:-}"
        [[ -z $password && -s $pwfile ]] && password="$(cat "$pwfile")"
        [[ -z $password ]] && password="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(12))')"
        ckan_cli user add "$ADMIN_USER" email="$ADMIN_EMAIL" password="$password" fullname="Administrator" ||
            die "could not create the user $ADMIN_USER" "read the log; ADMIN_PASSWORD needs 8+ characters"
        (umask 077 && echo "$password" >"$pwfile")
        note "created $ADMIN_USER"
    fi
    ckan_cli sysadmin add "$ADMIN_USER" || die "could not make $ADMIN_USER a sysadmin" "read the log"
    note "$ADMIN_USER is sysadmin"
}

# ================================================================================= demo data
step_demo() {
    if [[ $DEMO == 0 ]]; then
        note "skipped (DEMO=0)"
        return 0
    fi
    local stamp_file="$STAMP_DIR/demo-$DB_NAME" stamp
    stamp="$({
        psql_admin postgres "SELECT oid FROM pg_database WHERE datname = '$DB_NAME'"
        hash_files "$ROOT/ckanext/ogpcatalog/demo" "$ROOT/ckanext/ogpcatalog/metrics/obligations-sample.yaml"
    } | sha256sum | cut -c1-16)"
    if [[ "$(cat "$stamp_file" 2>/dev/null)" == "$stamp" ]]; then
        note "already loaded"
        return 0
    fi
    if ! ckan_cli ogpcatalog demo --help >/dev/null 2>&1; then
        warn "'ckan ogpcatalog demo' is not available yet: no demo content loaded"
        return 0
    fi
    ckan_cli ogpcatalog demo load ||
        die "ckan ogpcatalog demo load failed" "read the traceback in the log; DEMO=0 skips this step"
    # The sample publication obligations (modelled on Ecuador's transparency law) and the
    # metrics history rebuilt from the datasets' dates, so the dashboard has its charts at once.
    ckan_cli ogpcatalog metrics obligations load "$ROOT/ckanext/ogpcatalog/metrics/obligations-sample.yaml" ||
        die "loading the sample obligations failed" "read the traceback in the log"
    ckan_cli ogpcatalog metrics backfill && ckan_cli ogpcatalog metrics snapshot ||
        die "the metrics history could not be built" "read the traceback in the log"
    echo "$stamp" >"$stamp_file"
    note "loaded"
}

# ============================================================================ processes
# Stop supervisors (and everything in their process groups) by the pids in their pidfiles:
# signal them all, then wait up to 20 s and kill what is left.
stop_groups() { # stop_groups NAME...
    local name pid pids=() i
    for name in "$@"; do
        if pid_alive "$RUN_DIR/$name.pid" supervise.sh; then
            pid="$(cat "$RUN_DIR/$name.pid")"
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
            echo "stopping $name (pid $pid)"
        fi
        rm -f "$RUN_DIR/$name.pid"
    done
    for pid in "${pids[@]}"; do
        for i in $(seq 100); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
}

start_supervised() { # start_supervised NAME -- COMMAND...
    local name=$1
    shift
    local pidfile="$RUN_DIR/$name.pid" log="$LOG_DIR/$name.log" i
    stop_groups "$name"
    CKAN_INI="$CKAN_INI" setsid bash "$ROOT/scripts/supervise.sh" --name "$name" --pidfile "$pidfile" "$@" \
        >>"$log" 2>&1 </dev/null 9>&- &
    for i in $(seq 50); do
        [[ -s $pidfile ]] && break
        sleep 0.1
    done
    pid_alive "$pidfile" supervise.sh || die "$name did not start" "read $log" "$log"
}

step_workers() {
    stop_groups "${SUPERVISED[@]}" "${RETIRED[@]}"
    start_supervised jobs-worker -- "$VENV/bin/ckan" -c "$CKAN_INI" jobs worker
    start_supervised harvest-gather -- "$VENV/bin/ckan" -c "$CKAN_INI" ogpcatalog harvest consumer gather
    start_supervised harvest-fetch -- "$VENV/bin/ckan" -c "$CKAN_INI" ogpcatalog harvest consumer fetch
    # The portal's clock, the same command as the production scheduler: harvests every
    # HARVEST_INTERVAL s, the day's metrics snapshot, OCDS retries (the jobs worker has no timer).
    start_supervised scheduler -- "$VENV/bin/ckan" -c "$CKAN_INI" ogpcatalog schedule --harvest-interval "$HARVEST_INTERVAL"
    note "${SUPERVISED[*]}"
}

stop_web() {
    local pidfile="$RUN_DIR/web.pid" pid i
    pid_alive "$pidfile" gunicorn || { rm -f "$pidfile"; return 0; }
    pid="$(cat "$pidfile")"
    kill -TERM "$pid"
    for i in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    rm -f "$pidfile"
    echo "stopped web (pid $pid)"
}

step_web() {
    local log="$LOG_DIR/web.log" i
    stop_web
    for i in $(seq 25); do port_in_use "$PORT" || break; sleep 0.2; done
    port_in_use "$PORT" && die "port $PORT is already in use by another program" \
        "choose another port, e.g. PORT=$((PORT + 1)) make run"
    # The JavaScript catalogues (/api/i18n/<lang>) exist only once built; ours are merged in.
    "$VENV/bin/ckan" -c "$CKAN_INI" translation js >>"$log" 2>&1 \
        || die "ckan translation js failed" "read $log" "$log"
    CKAN_INI="$CKAN_INI" "$VENV/bin/gunicorn" --daemon --workers "$WEB_WORKERS" \
        --bind "127.0.0.1:$PORT" --timeout 120 --pythonpath "$ROOT/scripts" --chdir "$STATE_DIR" \
        --pid "$RUN_DIR/web.pid" --error-logfile "$log" --access-logfile - \
        --capture-output wsgi:application 9>&- || die "gunicorn did not start" "read $log" "$log"
    note "gunicorn, $WEB_WORKERS workers, 127.0.0.1:$PORT"
}

step_wait_portal() {
    local url="http://127.0.0.1:$PORT/api/3/action/status_show" i
    for i in $(seq 180); do
        if curl -fsS --max-time 5 "$url" 2>/dev/null | grep -q '"success": *true'; then
            note "$url answers"
            return 0
        fi
        if [[ $i -gt 5 ]] && ! pid_alive "$RUN_DIR/web.pid" gunicorn; then
            die "the web server exited while starting" "read $LOG_DIR/web.log" "$LOG_DIR/web.log"
        fi
        sleep 1
    done
    die "the portal did not answer $url within 3 minutes" "read $LOG_DIR/web.log" "$LOG_DIR/web.log"
}

step_check_workers() {
    local name
    for name in "${SUPERVISED[@]}"; do
        pid_alive "$RUN_DIR/$name.pid" supervise.sh ||
            die "$name is not running" "read $LOG_DIR/$name.log" "$LOG_DIR/$name.log"
    done
    note "${#SUPERVISED[@]} workers running"
}

step_token() {
    local file="$STATE_DIR/sysadmin.token" token out
    if [[ -s $file ]]; then
        token="$(cat "$file")"
        if curl -fsS --max-time 10 -H "Authorization: $token" \
            "http://127.0.0.1:$PORT/api/3/action/api_token_list?user_id=$ADMIN_USER" 2>/dev/null |
            grep -q '"success": *true'; then
            note "valid"
            return 0
        fi
    fi
    out="$(ckan_cli user token add "$ADMIN_USER" make-run)" ||
        die "could not create an API token for $ADMIN_USER" "read the log"
    token="$(printf '%s\n' "$out" | awk 'NF {last=$1} END {print last}')"
    [[ -n $token ]] || die "no token in the output of 'ckan user token add'" "read the log"
    (umask 077 && printf '%s\n' "$token" >"$file")
    note "new token in $file"
}

# =================================================================================== commands
check_root_for_postgres() {
    [[ $(id -u) == 0 ]] || die "scripts/stack.sh runs the project's PostgreSQL as the postgres user" \
        "run make as root (or with sudo)"
}

cmd_run() {
    check_root_for_postgres
    ensure_dirs
    lock_state
    say "ckanext-ogpcatalog portal: STATE_DIR=$STATE_DIR PORT=$PORT PGPORT=$PGPORT REDIS_PORT=$REDIS_PORT SEARCH=$SEARCH"
    if [[ $SEARCH == solr ]]; then steps_begin 17; else steps_begin 16; fi
    step "Checking system packages" step_packages
    step "Preparing the virtualenv ($VENV)" step_venv
    step "Creating the PostgreSQL cluster" step_pg_cluster
    step "Starting PostgreSQL" step_pg_start
    step "Starting Redis" step_redis
    [[ $SEARCH == solr ]] && step "Starting Solr (SEARCH=solr)" step_solr_start
    step "Creating the database" step_databases "$DB_NAME"
    step "Writing the CKAN config" step_config
    step "Migrating the database" step_migrate
    if [[ $SEARCH == solr ]]; then
        step "Indexing into Solr" step_solr_index
    else
        step "Checking the search index" step_search_index
    fi
    step "Creating the sysadmin" step_sysadmin
    step "Loading the demo content" step_demo
    step "Starting background workers" step_workers
    unlock_state
    step "Starting the web server" step_web
    step "Waiting for the portal" step_wait_portal
    step "Checking the workers" step_check_workers
    step "Checking the sysadmin's API token" step_token
    local password="(unchanged; see README.md to reset it)"
    [[ -s $STATE_DIR/sysadmin.password ]] && password="$(cat "$STATE_DIR/sysadmin.password")"
    cat <<EOF

  Portal:     http://127.0.0.1:$PORT/
  Login:      $ADMIN_USER / $password   (password in $STATE_DIR/sysadmin.password)
  API token:  $STATE_DIR/sysadmin.token
  Config:     $CKAN_INI
  Logs:       $LOG_DIR/
  Stop with:  make stop
EOF
}

cmd_test_setup() {
    check_root_for_postgres
    ensure_dirs
    lock_state
    steps_begin 9
    WANT_BROWSER=1 step "Checking system packages" step_packages
    step "Preparing the virtualenv ($VENV)" step_venv
    step "Creating the PostgreSQL cluster" step_pg_cluster
    step "Starting PostgreSQL" step_pg_start
    step "Starting Redis" step_redis
    step "Creating the test database" step_databases "$TEST_DB"
    step "Migrating the test database" step_test_migrate
    step "Building Solr 9.10 (Maven, once)" step_solr_build
    step "Installing axe-core (npm, once)" step_axe
    unlock_state
}

cmd_venv() {
    ensure_dirs
    lock_state
    steps_begin 2
    step "Checking system packages" step_packages
    step "Preparing the virtualenv ($VENV)" step_venv
    unlock_state
}

cmd_stop() {
    [[ -d $STATE_DIR ]] || { say "nothing to stop: $STATE_DIR does not exist"; return 0; }
    local name pid
    stop_web
    stop_groups "${SUPERVISED[@]}" "${RETIRED[@]}"
    bash "$ROOT/scripts/solr.sh" stop
    if pid_alive "$RUN_DIR/redis.pid" redis-server; then
        pid="$(cat "$RUN_DIR/redis.pid")"
        kill -TERM "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        echo "stopped redis (pid $pid)"
    fi
    rm -f "$RUN_DIR/redis.pid"
    if [[ -f $PGDATA/PG_VERSION ]] && postgres_running; then
        as_postgres "$(pg_bin)/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
        echo "stopped postgres (pg_ctl -D $PGDATA)"
    fi
    rm -f "$RUN_DIR/postgres.pid"
    say "All processes of $STATE_DIR are stopped."
}

cmd_clean() {
    [[ -d $STATE_DIR ]] || { say "nothing to clean: $STATE_DIR does not exist"; return 0; }
    case "$(realpath -m "$STATE_DIR")" in
        / | /root | /home | /tmp | /var | /var/lib | /usr | /etc | /opt | "$ROOT")
            die "refusing to delete $STATE_DIR" "point STATE_DIR at the project's own state directory" ;;
    esac
    [[ -f $STATE_MARKER ]] || die "$STATE_DIR was not made by make run (no $(basename "$STATE_MARKER"))" \
        "delete it by hand if you are sure"
    if [[ ${YES:-} != 1 ]]; then
        local answer=""
        read -r -p "Delete $STATE_DIR (databases, uploads, logs, virtualenv)? [y/N] " answer ||
            die "make clean got no answer (no terminal?)" "run: YES=1 make clean"
        [[ $answer == [yY] || $answer == [yY][eE][sS] ]] || { say "Nothing deleted."; return 0; }
    fi
    cmd_stop
    rm -rf "$STATE_DIR"
    say "Deleted $STATE_DIR."
}

cmd_status() {
    local name
    printf '%-18s %s\n' "STATE_DIR" "$STATE_DIR"
    if [[ -f $PGDATA/PG_VERSION ]] && postgres_running; then
        printf '%-18s running, pid %s, port %s\n' postgres "$(head -n1 "$PGDATA/postmaster.pid")" "$(sed -n 4p "$PGDATA/postmaster.pid")"
    else
        printf '%-18s stopped\n' postgres
    fi
    for name in redis web "${SUPERVISED[@]}"; do
        if pid_alive "$RUN_DIR/$name.pid" 'redis-server|gunicorn|supervise.sh'; then
            printf '%-18s running, pid %s\n' "$name" "$(cat "$RUN_DIR/$name.pid")"
        else
            printf '%-18s stopped\n' "$name"
        fi
    done
}

main() {
    case "${1:-}" in
        run) cmd_run ;;
        config) ensure_dirs && steps_begin 1 && step "Writing the CKAN config" step_config ;;
        test-setup) cmd_test_setup ;;
        venv) cmd_venv ;;
        stop) cmd_stop ;;
        clean) cmd_clean ;;
        status) cmd_status ;;
        *) echo "usage: $0 {run|config|test-setup|venv|stop|clean|status}" >&2; return 2 ;;
    esac
}

# One line: bash reads a script as it runs it, and the checkout may change meanwhile.
main "$@"; exit
