"""WSGI entry point of the portal for gunicorn: `gunicorn --pythonpath scripts wsgi:application`.

CKAN 2.12 ships no WSGI module, so this is the one from CKAN's deployment docs: the config file
comes from $CKAN_INI (scripts/stack.sh sets it to $STATE_DIR/ckan.ini). `load_config` also applies
the file's logging sections; they include gunicorn's loggers, so its access lines are kept.
"""
from __future__ import annotations

import os
from ckan.cli import load_config
from ckan.config.middleware import make_app

CKAN_INI = os.environ["CKAN_INI"]

application = make_app(load_config(CKAN_INI))
