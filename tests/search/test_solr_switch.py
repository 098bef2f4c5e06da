"""Production: with Solr configured and `ogpcatalog_search` left out, CKAN talks to Solr."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from ckan.cli import load_config
from ckan.config.middleware import make_app
config = load_config(sys.argv[1])
config["ckan.plugins"] = sys.argv[2]
make_app(config)
import ckan.lib.search.query as query
print(query.make_connection.__module__)
"""


def _connection_module(plugins: str) -> str:
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "test.ini"), plugins],
                            capture_output=True, text=True, env=os.environ.copy(), cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_without_the_search_plugin_ckan_keeps_its_solr_connection():
    assert _connection_module("ogpcatalog activity harvest dcat") == "ckan.lib.search.common"


def test_with_the_search_plugin_the_connection_is_postgresql():
    assert _connection_module("ogpcatalog_search ogpcatalog activity") == "ckanext.ogpcatalog.search.backend"
