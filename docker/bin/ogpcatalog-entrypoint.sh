#!/bin/bash
# Entry point of every container of the portal image (web, worker, harvest consumers,
# scheduler). Writes into this container's ckan.ini what must be there before CKAN loads,
# then runs the container's command:
#   - ckan.plugins from CKAN__PLUGINS (the base image's prerun.py does this for the web
#     container only, and too late for `ckan db upgrade` there);
#   - the metadata schemas (ckanext-scheming reads them when it loads, before `envvars`);
#   - SECRET_KEY and the secrets derived from it from CKAN_SECRET_KEY, so that every web
#     replica and worker signs sessions, CSRF tokens and API tokens alike (the base image
#     would generate a different random key in each container).
# With HARVEST_REDIS_SOCKET_TIMEOUT set (harvest consumers), it also raises the Redis socket
# timeout in CKAN_REDIS_URL: redis-py 8 times out a blocking read after 5 s by default, which
# makes an idle consumer exit.
set -euo pipefail

: "${CKAN_INI:=/srv/app/ckan.ini}"
: "${CKAN__PLUGINS:?CKAN__PLUGINS must list the plugins to load}"
: "${CKAN_SECRET_KEY:?CKAN_SECRET_KEY must be set (the same value in every CKAN container)}"

case "$CKAN_SECRET_KEY" in
    *%*) echo "[ogpcatalog] CKAN_SECRET_KEY must not contain '%' (ckan.ini interpolation)" >&2
         exit 64 ;;
esac

ckan config-tool "$CKAN_INI" \
    "ckan.plugins = ${CKAN__PLUGINS}" \
    "scheming.dataset_schemas = ckanext.ogpcatalog.schemas:dataset.yaml ckanext.ogpcatalog.schemas:procurement.yaml ckanext.ogpcatalog.schemas:commitment.yaml ckanext.ogpcatalog.schemas:dataset_series.yaml ckanext.ogpcatalog.schemas:data_service.yaml" \
    "scheming.group_schemas = ckanext.ogpcatalog.schemas:theme.yaml ckanext.ogpcatalog.schemas:action_plan.yaml" \
    "scheming.organization_schemas = ckanext.ogpcatalog.schemas:institution.yaml" \
    "scheming.presets = ckanext.scheming:presets.json ckanext.ogpcatalog.schemas:presets.yaml" \
    "SECRET_KEY = ${CKAN_SECRET_KEY}" \
    "WTF_CSRF_SECRET_KEY = ${CKAN_SECRET_KEY}" \
    "api_token.jwt.encode.secret = string:${CKAN_SECRET_KEY}" \
    "api_token.jwt.decode.secret = string:${CKAN_SECRET_KEY}"

if [[ -n "${HARVEST_REDIS_SOCKET_TIMEOUT:-}" && -n "${CKAN_REDIS_URL:-}" ]]; then
    case "$CKAN_REDIS_URL" in
        *\?*) separator='&' ;;
        *) separator='?' ;;
    esac
    export CKAN_REDIS_URL="${CKAN_REDIS_URL}${separator}socket_timeout=${HARVEST_REDIS_SOCKET_TIMEOUT}&socket_keepalive=true"
fi

exec "$@"
