"""The search schema's alembic migrations (`ckan db upgrade -p ogpcatalog_search`): from an empty
database, and from a portal whose schema the backend created at run time before they existed."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from ckan.cli.cli import ckan as ckan_command

import ckan.model as model
import ckan.tests.factories as factories

from ckanext.ogpcatalog.search import schema

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]

RUNTIME_SCHEMA_6 = Path(__file__).parent / "data" / "runtime_schema_6.sql"


def _scalar(sql: str):
    model.Session.remove()
    with model.meta.engine.connect() as connection:
        return connection.execute(sa.text(sql)).scalar()


def _execute(sql: str) -> None:
    model.Session.remove()
    with model.meta.engine.begin() as connection:
        connection.exec_driver_sql(sql)


def _rows(sql: str) -> list[tuple]:
    model.Session.remove()
    with model.meta.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql))]


def _describe() -> dict[str, list[tuple]]:
    """What the search schema is made of, as the catalogue says it."""
    tables = f"('{schema.INDEX_TABLE}', '{schema.STATE_TABLE}')"
    return {
        "columns": _rows(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
            "pg_get_expr(d.adbin, d.adrelid), co.collname, a.attcompression "
            "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100 "
            f"WHERE c.relname IN {tables} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2"),
        "indexes": _rows(f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN {tables} ORDER BY 1"),
        "comments": _rows(f"SELECT relname, obj_description(oid, 'pg_class') FROM pg_class "
                          f"WHERE relname IN {tables} ORDER BY 1"),
        "functions": _rows("SELECT proname, regexp_replace(pg_get_functiondef(oid), '\\s+', ' ', 'g') FROM pg_proc "
                           f"WHERE proname IN {tuple(schema.FUNCTIONS)} ORDER BY 1"),
        "configurations": _rows(
            "SELECT c.cfgname, m.maptokentype, m.mapseqno, d.dictname FROM pg_ts_config c "
            "JOIN pg_ts_config_map m ON m.mapcfg = c.oid JOIN pg_ts_dict d ON d.oid = m.mapdict "
            f"WHERE c.cfgname IN {tuple(schema.TEXT_SEARCH_CONFIGURATIONS)} ORDER BY 1, 2, 3"),
        "sequence": _rows(f"SELECT to_regclass('{schema.SEQUENCE}')::text"),
    }


def _revision():
    return _scalar(f"SELECT to_regclass('{schema.VERSION_TABLE}') IS NOT NULL") and _scalar(
        f"SELECT version_num FROM {schema.VERSION_TABLE}")


def _upgrade_with_the_cli(cli) -> None:
    result = cli.invoke(ckan_command, ["db", "upgrade", "-p", "ogpcatalog_search"])
    assert result.exit_code == 0, result.output


def _found(app, name: str) -> bool:
    result = app.get("/api/3/action/package_search", query_string={"q": f"name:{name}"}).json["result"]
    return [d["name"] for d in result["results"]] == [name]


def test_downgrade_to_base_removes_the_search_objects(migrate_db_for):
    migrate_db_for("ogpcatalog_search", "base", False)

    described = _describe()
    assert not any(described[part] for part in ("columns", "indexes", "functions", "configurations"))
    assert described["sequence"] == [(None,)]
    assert not _revision()


def test_upgrade_of_an_empty_database_ends_at_head_with_a_working_index(app, cli, migrate_db_for):
    migrate_db_for("ogpcatalog_search", "base", False)
    _execute(f"DROP TABLE {schema.VERSION_TABLE}")

    _upgrade_with_the_cli(cli)

    assert _revision() == schema._revisions()[0]
    assert schema.ensure_schema() == []
    factories.Dataset(name="nuevo")
    assert _found(app, "nuevo")


def test_upgrade_of_a_portal_built_by_the_run_time_ddl_keeps_its_index(app, cli, migrate_db_for):
    migrated = _describe()
    migrate_db_for("ogpcatalog_search", "base", False)
    _execute(f"DROP TABLE {schema.VERSION_TABLE}")
    _execute(RUNTIME_SCHEMA_6.read_text(encoding="utf-8"))
    factories.Dataset(name="indexed-before")
    rows = _scalar(f"SELECT count(*) FROM {schema.INDEX_TABLE}")

    _upgrade_with_the_cli(cli)

    assert _revision() == schema._revisions()[0]
    assert _describe() == migrated  # the revision builds what the run-time DDL built
    assert rows == 1 and _scalar(f"SELECT count(*) FROM {schema.INDEX_TABLE}") == rows
    assert _found(app, "indexed-before")  # no rebuild needed: the search answers at once


def test_the_backend_records_the_revision_of_a_run_time_schema_on_first_use(app, migrate_db_for):
    migrate_db_for("ogpcatalog_search", "base", False)
    _execute(f"DROP TABLE {schema.VERSION_TABLE}")
    _execute(RUNTIME_SCHEMA_6.read_text(encoding="utf-8"))
    factories.Dataset(name="indexed-before")

    assert schema.ensure_schema() == [schema.VERSION_TABLE]

    assert _revision() == schema._revisions()[0]
    assert _found(app, "indexed-before")


def test_tables_dropped_by_the_tests_reset_db_come_back_on_first_use(app):
    # What CKAN's reset_db does to them (it drops every table; CKAN's own search tests know
    # nothing of this plugin's migrations): the functions and configurations stay.
    _execute(f"DROP TABLE {schema.INDEX_TABLE}, {schema.STATE_TABLE}, {schema.VERSION_TABLE}")

    factories.Dataset(name="after-reset")

    assert _found(app, "after-reset")
    assert _revision() == schema._revisions()[0]



def test_processes_finding_the_schema_missing_at_once_migrate_it_once():
    _execute(f"DROP TABLE {schema.INDEX_TABLE}, {schema.STATE_TABLE}, {schema.VERSION_TABLE}")

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: schema.ensure_schema(), range(4)))

    assert sorted(bool(created) for created in results) == [False, False, False, True]
    assert schema.ensure_schema() == []
