"""The index can always be rebuilt from the database, and a rebuild gives exactly the same index."""
from __future__ import annotations

import re

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
