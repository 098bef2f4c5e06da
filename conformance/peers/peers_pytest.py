"""pytest plugin of ``make peers`` (loaded with ``-p peers_pytest``).

- ``ogpcatalog_search`` is loaded first whenever CKAN loads its plugins: a peer's test that
  sets ``ckan.plugins`` with a ``ckan_config`` mark (``"harvest test_harvester"``, ``"dcat"``)
  runs on the embedded backend too, as a portal that lists it first in its config would.
  The config value itself is left as the test set it.
- A test that points ``solr_url`` at a dead Solr (``@pytest.mark.ckan_config("solr_url", ...)``:
  CKAN's index-outage tests, ``test_package_search_connection_errors`` and
  ``TestPackageNew::test_new_indexerror``) runs with the embedded index unreachable instead:
  the embedded backend ignores ``solr_url``, so during the test's call the privileges on its
  index table are revoked from the database user, a real outage of the index (the one
  tests/search/test_failures.py also uses), and granted back afterwards. What the test then
  checks is what a user sees on an outage of the embedded index: core's API and page errors.
- Every test's outcome is written by node id to the JSON file named by ``$PEERS_RESULTS``
  (passed, failed, error, skipped, xfailed), for conformance/peers.py to compare with the
  expected failures.
"""
from __future__ import annotations

import json
import os

import pytest
import sqlalchemy as sa

import ckan.plugins as plugins
import ckan.plugins.core as plugins_core
from ckan.common import aslist, config

SEARCH_PLUGIN = "ogpcatalog_search"
INDEX_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"

_outcomes: dict[str, str] = {}


def _load_all_search_first(force_update: bool = False) -> None:
    plugins_core.unload_all()
    names = [name for name in aslist(config.get("ckan.plugins")) if name != SEARCH_PLUGIN]
    plugins_core.load(SEARCH_PLUGIN, *names, force_update=force_update)


plugins_core.load_all = _load_all_search_first
plugins.load_all = _load_all_search_first


def _points_at_a_dead_solr(item) -> bool:
    return any(mark.args and mark.args[0] == "solr_url" for mark in item.iter_markers("ckan_config"))


def _index_privileges(statement: str) -> None:
    import ckan.model as model
    from ckanext.ogpcatalog.search.model import INDEX_TABLE

    model.Session.remove()  # no pooled connection keeps a transaction open on the table
    with model.meta.engine.begin() as connection:
        connection.execute(sa.text(statement.format(privileges=INDEX_PRIVILEGES, table=INDEX_TABLE)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if not _points_at_a_dead_solr(item):
        yield
        return
    _index_privileges("REVOKE {privileges} ON {table} FROM CURRENT_USER")
    try:
        yield
    finally:
        _index_privileges("GRANT {privileges} ON {table} TO CURRENT_USER")


def pytest_runtest_logreport(report) -> None:
    previous = _outcomes.get(report.nodeid)
    if report.failed:
        outcome = "failed" if report.when == "call" else "error"
        if previous == "failed":  # a teardown error after a failure: still a failure
            outcome = "failed"
    elif report.skipped:
        outcome = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    else:
        outcome = "passed"
    if previous in (None, "passed") or outcome in ("failed", "error") and previous not in ("failed", "error"):
        _outcomes[report.nodeid] = outcome
    if report.when == "teardown" and len(_outcomes) % 50 == 0:
        _write()  # what ran so far, should the run be stopped


def pytest_collectreport(report) -> None:
    if report.failed:  # a module that does not import: one error under its node id
        _outcomes[report.nodeid] = "error"


def pytest_sessionfinish(session, exitstatus) -> None:
    _write()


def _write() -> None:
    path = os.environ.get("PEERS_RESULTS")
    if path:
        with open(f"{path}.part", "w", encoding="utf-8") as out:
            json.dump(_outcomes, out, indent=0, sort_keys=True)
        os.replace(f"{path}.part", path)
