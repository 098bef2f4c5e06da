# Sourced by the base image's start_ckan.sh in the web container, after prerun.py (which waits
# for PostgreSQL and Solr, upgrades the core schema and creates the sysadmin) and before uWSGI.
# Applies the pending migrations of every enabled plugin (harvest, activity, ogpcatalog, ...);
# a failure stops the container instead of serving a half-migrated database.
# Sourced, not executed: no `set -e` here, it would outlive this file.

echo "[ogpcatalog] Applying the migrations of the enabled plugins"
if ! ckan -c "${CKAN_INI:-/srv/app/ckan.ini}" db upgrade; then
    echo "[ogpcatalog] Migrations failed: not starting CKAN" >&2
    exit 1
fi

# The JavaScript catalogues (/api/i18n/<lang>), with the extension's translations merged in, are
# only served once built. Without them the browser shows core's JS strings in English.
echo "[ogpcatalog] Building the JavaScript translation catalogues"
if ! ckan -c "${CKAN_INI:-/srv/app/ckan.ini}" translation js; then
    echo "[ogpcatalog] ckan translation js failed: JavaScript strings will be in English" >&2
fi
