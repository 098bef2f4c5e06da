#!/usr/bin/env bash
# `make i18n`: extract the translatable strings, update the es/en catalogues, compile them.
#
#   i18n/ckanext-ogpcatalog.pot                      template (setup.py's message_extractors)
#   i18n/{es,en}/LC_MESSAGES/ckanext-ogpcatalog.po   catalogues: translators edit these
#   i18n/{es,en}/LC_MESSAGES/ckanext-ogpcatalog.mo   compiled, loaded by the plugin
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DOMAIN=ckanext-ogpcatalog
LANGUAGES=(es en)
POT="i18n/$DOMAIN.pot"
PYBABEL="$VENV/bin/pybabel"

cd "$ROOT"
mkdir -p i18n

# setup.py's message_extractors (python, javascript and CKAN's Jinja extractor) are the only
# mapping; Babel's setuptools command reads them.
"$VENV/bin/python" setup.py -q extract_messages \
    --output-file "$POT" --input-dirs ckanext \
    --project ckanext-ogpcatalog --version "$("$VENV/bin/python" setup.py -q --version)" \
    --msgid-bugs-address "" --copyright-holder "ckanext-ogpcatalog contributors" \
    --keywords "N_plural:1,2" --no-wrap --sort-by-file
say "extracted $(grep -c '^msgid "[^"]' "$POT" || true) messages into $POT"

for lang in "${LANGUAGES[@]}"; do
    po="i18n/$lang/LC_MESSAGES/$DOMAIN.po"
    if [[ -f $po ]]; then
        "$PYBABEL" -q update -i "$POT" -d i18n -D "$DOMAIN" -l "$lang" --no-wrap --previous
    else
        "$PYBABEL" -q init -i "$POT" -d i18n -D "$DOMAIN" -l "$lang" --no-wrap
    fi
    say "updated $po"
done

"$PYBABEL" compile -d i18n -D "$DOMAIN" --statistics

# The browser's catalogue (/api/i18n/<lang>): CKAN builds it from every plugin's .po for the
# msgids some .pot lists in a .js file; refresh the dev portal's copy when there is one.
if [[ -f $CKAN_INI ]]; then
    if "$VENV/bin/ckan" -c "$CKAN_INI" translation js >/dev/null 2>&1; then
        say "rebuilt the JavaScript catalogues of $CKAN_INI (ckan translation js)"
    else
        say "warning: ckan translation js failed; run it before starting the portal"
    fi
fi
