"""The index can always be rebuilt from the database, and a rebuild gives exactly the same index."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.model as model
import ckan.tests.factories as factories
from ckan.cli.cli import ckan as ckan_command

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

# Everything but the bookkeeping of when and in which order rows were written.
SNAPSHOT_SQL = """
SELECT id, name, site_id, state, capacity, dataset_type, organization, permission_labels,
       metadata_created, metadata_modified, title_string, tsv::text, rank_tsv::text, doc, facets, texts,
       stored - 'indexed_ts', data_dict, validated_data_dict
FROM ogpcatalog_search_index ORDER BY id
"""


def snapshot():
    return [tuple(row) for row in model.Session.execute(sa.text(SNAPSHOT_SQL))]


def make_portal():
    org = factories.Organization()
    group = factories.Group()
    factories.Dataset(owner_org=org["id"], groups=[{"id": group["id"]}],
                      tags=[{"name": "salud"}], resources=[{"url": "http://x.test/a.csv", "format": "CSV"}])
    factories.Dataset(owner_org=org["id"], private=True, title="Privado")
    factories.Dataset(title="Sin organización", extras=[{"key": "fuente", "value": "INEC"}])


def test_full_rebuild_produces_exactly_the_same_index():
    make_portal()
    before = snapshot()

    search.rebuild(clear=True)

    assert snapshot() == before
    assert len(before) == 3


def test_cli_rebuild_clear_and_check(cli):
    make_portal()
    before = snapshot()

    result = cli.invoke(ckan_command, ["search-index", "clear"])
    assert result.exit_code == 0, result.output
    assert snapshot() == []

    result = cli.invoke(ckan_command, ["search-index", "check"])
    assert "Packages not indexed = 3 out of 3" in result.output

    result = cli.invoke(ckan_command, ["search-index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert snapshot() == before

    result = cli.invoke(ckan_command, ["search-index", "check"])
    assert "Packages not indexed = 0 out of 3" in result.output


def test_rebuild_only_missing_adds_what_is_missing():
    make_portal()
    first = model.Session.execute(sa.text("SELECT id FROM ogpcatalog_search_index LIMIT 1")).scalar()
    search.clear(first)
    model.Session.commit()

    search.rebuild(only_missing=True)

    assert len(snapshot()) == 3


def test_parallel_in_place_rebuild_matches_ckan_rebuild(app):
    from ckanext.ogpcatalog.search.rebuild import rebuild_index

    make_portal()
    search.rebuild(clear=True)
    expected = snapshot()

    result = rebuild_index(app.flask_app, workers=2, batch=1)

    assert result["indexed"] == 3 and result["failed"] == 0
    assert snapshot() == expected


def test_in_place_rebuild_sweeps_rows_of_purged_datasets(app):
    from ckanext.ogpcatalog.search.rebuild import rebuild_index

    make_portal()
    model.Session.execute(sa.text(
        "INSERT INTO ogpcatalog_search_index (id, name, site_id, state, tsv, rank_tsv, doc, texts, stored, seq) "
        "SELECT 'ghost', 'ghost', site_id, 'active', tsv, rank_tsv, doc, texts, stored, seq + 1000 "
        "FROM ogpcatalog_search_index LIMIT 1"))
    model.Session.commit()

    result = rebuild_index(app.flask_app, workers=1)

    assert result["swept"] == 1
    assert "ghost" not in [row[0] for row in snapshot()]


def test_rebuild_command_reports_counts(cli):
    make_portal()

    result = cli.invoke(ckan_command, ["ogpcatalog-search", "rebuild", "--workers", "1"])

    assert result.exit_code == 0, result.output
    # The message is translated (Spanish by default): check its counts.
    assert re.search(r"\b3 (of|de) 3 (datasets indexed|conjuntos de datos indexados)", result.output), result.output


def test_init_rebuilds_an_index_that_was_lost(cli):
    make_portal()
    before = snapshot()
    model.Session.remove()
    with model.meta.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE ogpcatalog_search_index"))

    refused = cli.invoke(ckan_command, ["ogpcatalog-search", "init"])
    result = cli.invoke(ckan_command, ["ogpcatalog-search", "init", "--rebuild-if-needed"])

    assert refused.exit_code != 0
    assert result.exit_code == 0, result.output
    assert snapshot() == before


# A rebuild whose parent is killed outright (SIGKILL: no chance to set the workers' stop
# event): the forked workers notice they were orphaned and stop after their current batch.
ORPHANED_REBUILD = r"""
import multiprocessing, sys, threading, time
from ckan.cli import load_config
from ckan.config.middleware import make_app
app = make_app(load_config(sys.argv[1]))
flask_app = app._wsgi_app if hasattr(app, "_wsgi_app") else app.apps["flask_app"]._wsgi_app
from ckanext.ogpcatalog.search import rebuild
index_batch = rebuild._index_batch
def slow_batch(ids):  # a slow index: the workers are still busy when the parent dies
    time.sleep(0.3)
    index_batch(ids)
rebuild._index_batch = slow_batch  # the forked workers inherit it
def report_workers():
    while len(multiprocessing.active_children()) < 2:
        time.sleep(0.05)
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
threading.Thread(target=report_workers, daemon=True).start()
with flask_app.test_request_context():
    rebuild.rebuild_index(flask_app, workers=2, batch=1)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_workers_stop_when_the_rebuild_is_killed_outright():
    for n in range(40):  # 40 datasets x 0.3 s / 2 workers: 6 s to finish
        factories.Dataset(name=f"huerfano-{n}")
    model.Session.remove()
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHANED_REBUILD, str(Path(__file__).parents[2] / "test.ini")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        killed = time.monotonic()
        while any(_running(pid) for pid in workers) and time.monotonic() - killed < 3:
            time.sleep(0.1)
        assert not any(_running(pid) for pid in workers), "orphaned workers kept indexing"
    finally:
        parent.kill()
        for pid in workers if "workers" in locals() else []:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
