"""Differential testing: the embedded PostgreSQL backend held to Apache Solr's answers.

One CKAN process, one generated portal, the same CKAN documents indexed into both engines;
generated ``package_search`` requests run on each and are compared (see ``harness``).

The quick profile (``make test``): 300 datasets, 400 requests. The full one
(``make search-differential``): ``DIFFERENTIAL_DATASETS=2000 DIFFERENTIAL_REQUESTS=5000``.
``DIFFERENTIAL_REPORT=path`` writes the results as JSON. Needs the project's Solr build
(``scripts/solr.sh build``, run by ``make test-setup``): skipped without it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import module_portal

from . import harness, portal as portal_module
from .engines import Engines

ROOT = Path(__file__).resolve().parents[3]
STATE_DIR = Path(os.environ.get("STATE_DIR", "/var/lib/ogpcatalog"))
SOLR_PORT = int(os.environ.get("SOLR_PORT", "58983"))
NODE_URL = f"http://127.0.0.1:{SOLR_PORT}/solr/ckan"
DATASETS = int(os.environ.get("DIFFERENTIAL_DATASETS", "300"))
REQUESTS = int(os.environ.get("DIFFERENTIAL_REQUESTS", "400"))
SEED = int(os.environ.get("DIFFERENTIAL_SEED", "17"))
TARGET = 99.0

BUILT = (STATE_DIR / "solr" / "build" / "classpath.txt").is_file()
pytestmark = [pytest.mark.solr, pytest.mark.skipif(
    not BUILT, reason=f"Solr is not built ({STATE_DIR}/solr/build missing): run `make test-setup` "
                      "(needs Java 17 and Maven), or `bash scripts/solr.sh build`")]


def _progress(label: str):
    def show(done: int, total: int) -> None:
        print(f"  {label}: {done}/{total}", file=sys.stderr, flush=True)
    return show


@pytest.fixture(scope="module")
def solr_node():
    """The Solr node of scripts/solr.sh (started if needed; stopped if this module started it)."""
    solr_sh = ["bash", str(ROOT / "scripts" / "solr.sh")]
    status = subprocess.run(solr_sh + ["status"], capture_output=True, text=True)
    already = "solr-node          running" in status.stdout
    result = subprocess.run(solr_sh + ["start-node"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    yield NODE_URL
    if not already:
        subprocess.run(solr_sh + ["stop-node"], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def differential(solr_node, reset_db, migrate_db_for):
    def build():
        from ckan.tests.helpers import _get_test_app
        app = _get_test_app()
        context = app.flask_app.test_request_context()
        context.push()
        started = time.monotonic()
        portal = portal_module.build(DATASETS, progress=_progress("creating datasets"))
        created = time.monotonic() - started
        engines = Engines(solr_node)
        engines.clear()
        started = time.monotonic()
        indexed = engines.index_all()
        print(f"\nPortal: {DATASETS} datasets created in {created:.0f} s; {indexed} indexed into "
              f"both engines in {time.monotonic() - started:.0f} s", file=sys.stderr)
        return harness.Differential(engines, portal), context
    for differential, context in module_portal(reset_db, migrate_db_for, build):
        try:
            yield differential
        finally:
            context.pop()


def test_both_engines_hold_the_same_documents(differential):
    request = {"role": "sysadmin", "params": {"q": "", "rows": 0, "include_private": True,
                                              "include_drafts": True}}
    counts = {engine: differential.answer(engine, request)["count"] for engine in ("embedded", "solr")}
    assert counts["embedded"] == counts["solr"] > 0.9 * DATASETS, counts


def test_generated_requests_agree(differential):
    results = harness.run(differential, REQUESTS, SEED, progress=_progress("requests"))
    text = harness.report(results)
    print("\n" + text, file=sys.stderr)
    if os.environ.get("DIFFERENTIAL_REPORT"):
        Path(os.environ["DIFFERENTIAL_REPORT"]).write_text(json.dumps(
            dict(results, datasets=DATASETS, seed=SEED), indent=1, ensure_ascii=False))
    assert results["agreement"] >= TARGET, text
