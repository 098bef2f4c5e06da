"""The index schema creates itself (its migrations, on first use), upgrades itself, and never
answers with a stale shape."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.model as model
import ckan.tests.factories as factories

from ckanext.ogpcatalog.search import schema
from ckanext.ogpcatalog.search.connection import ensure_schema

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def _execute(sql: str):
    model.Session.remove()
    with model.meta.engine.begin() as connection:
        return connection.execute(sa.text(sql))


def test_ensure_schema_creates_nothing_when_everything_exists():
    ensure_schema()

    assert ensure_schema() == []


def test_index_table_of_an_older_version_is_replaced_and_marked_for_rebuild(app):
    factories.Dataset(name="kept")
    _execute(f"COMMENT ON TABLE {schema.INDEX_TABLE} IS 'ogpcatalog_search schema {schema.SCHEMA_VERSION - 1}'")

    created = ensure_schema()

    assert f"outdated {schema.INDEX_TABLE}" in created
    assert app.get("/api/3/action/package_search", status=None).status_code == 503
    search.rebuild()
    result = app.get("/api/3/action/package_search").json["result"]
    assert [d["name"] for d in result["results"]] == ["kept"]


def test_a_missing_column_is_repaired_on_the_next_write(app):
    factories.Dataset(name="kept")
    _execute(f"ALTER TABLE {schema.INDEX_TABLE} DROP COLUMN facets")

    factories.Dataset(name="nuevo")  # the write finds the table outdated and replaces it

    assert app.get("/api/3/action/package_search", status=None).status_code == 503
    search.rebuild()
    assert app.get("/api/3/action/package_search").json["result"]["count"] == 2


def test_declared_tables_match_the_ddl():
    # The DDL is the plugin's migrations (clean_db applied them): compare with what they built.
    from ckanext.ogpcatalog.search import model as tables

    def migrated(table: str) -> list[str]:
        return sorted(_execute(f"SELECT attname FROM pg_attribute WHERE attrelid = '{table}'::regclass "
                               "AND attnum > 0 AND NOT attisdropped").scalars())

    assert sorted(c.name for c in tables.search_index_table.columns) == migrated(schema.INDEX_TABLE)
    assert sorted(c.name for c in tables.search_state_table.columns) == migrated(schema.STATE_TABLE)


def test_tables_of_a_newer_version_are_left_alone_by_older_code():
    _execute(f"COMMENT ON TABLE {schema.INDEX_TABLE} IS 'ogpcatalog_search schema {schema.SCHEMA_VERSION + 1}'")

    created = ensure_schema()

    assert created == []  # a process of older code fails until restarted; it never downgrades
    _execute(f"COMMENT ON TABLE {schema.INDEX_TABLE} IS 'ogpcatalog_search schema {schema.SCHEMA_VERSION}'")
