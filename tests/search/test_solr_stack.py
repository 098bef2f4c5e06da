"""`SEARCH=solr make run`: the portal's config on the project's Solr node, without the
embedded backend; the default stays the embedded PostgreSQL backend."""
from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """``scripts/stack.sh config`` on a state directory of its own (writes only its ckan.ini)."""
    environment = {key: value for key, value in os.environ.items() if key not in ("SEARCH", "CKAN_PLUGINS")}
    return subprocess.run(["bash", str(ROOT / "scripts" / "stack.sh"), "config"], capture_output=True,
                          text=True, timeout=120, env={**environment, "STATE_DIR": str(tmp_path), **env})


def _options(tmp_path: Path) -> tuple[list[str], str]:
    parser = configparser.RawConfigParser(strict=False)
    parser.read(tmp_path / "ckan.ini")
    return parser.get("app:main", "ckan.plugins").split(), parser.get("app:main", "solr_url")


def test_search_solr_leaves_the_embedded_backend_out_and_points_ckan_at_the_node(tmp_path):
    result = _config(tmp_path, SEARCH="solr", SOLR_PORT="24123")
    assert result.returncode == 0, result.stdout + result.stderr
    plugins, solr_url = _options(tmp_path)
    assert "ogpcatalog_search" not in plugins
    assert plugins[:2] == ["ogpcatalog", "scheming_datasets"]
    assert solr_url == "http://127.0.0.1:24123/solr/ckan"


def test_the_default_stays_the_embedded_backend(tmp_path):
    result = _config(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    plugins, solr_url = _options(tmp_path)
    assert plugins[0] == "ogpcatalog_search"
    assert "ckan-unused" in solr_url


@pytest.mark.parametrize("value", ["Solr", "postgres"])
def test_an_unknown_search_backend_is_refused_by_name(tmp_path, value):
    result = _config(tmp_path, SEARCH=value)
    assert result.returncode != 0
    assert f"SEARCH must be embedded (the default) or solr, not '{value}'" in result.stdout + result.stderr
    assert not (tmp_path / "ckan.ini").exists()
