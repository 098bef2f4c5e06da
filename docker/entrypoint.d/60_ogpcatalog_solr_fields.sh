# Sourced by the base image's start_ckan.sh in the web container, after the migrations (50_)
# and before uWSGI. Checks that the Solr core declares the index fields of the portal's schemas
# that hold several values (codelists, references), declaring any that are missing (the
# portal's configset, solr/configsets/ckan, declares them all): without them Solr refuses
# those datasets.
# Idempotent; a failure stops the container instead of serving an index that drops datasets.

echo "[ogpcatalog] Declaring the schema fields in Solr"
if ! ckan -c "${CKAN_INI:-/srv/app/ckan.ini}" ogpcatalog search solr-fields; then
    echo "[ogpcatalog] Could not declare the Solr fields: not starting CKAN" >&2
    exit 1
fi
