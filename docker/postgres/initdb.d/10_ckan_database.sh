#!/bin/bash
# Run by the official postgres image once, when it initialises an empty data volume:
# creates CKAN's login role and its database, owned by that role.
set -euo pipefail

: "${CKAN_DB_USER:?}" "${CKAN_DB_PASSWORD:?}" "${CKAN_DB:?}"

psql --no-psqlrc -v ON_ERROR_STOP=1 \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    --set=db_user="$CKAN_DB_USER" --set=db_password="$CKAN_DB_PASSWORD" --set=db_name="$CKAN_DB" <<'SQL'
CREATE ROLE :"db_user" LOGIN PASSWORD :'db_password';
CREATE DATABASE :"db_name" OWNER :"db_user" ENCODING 'UTF8' TEMPLATE template0;
SQL
