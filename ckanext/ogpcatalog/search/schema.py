"""The search index schema at run time: whether it is all there, and bringing it up when not.

The DDL is the ``ogpcatalog_search`` plugin's alembic migrations
(``ckanext/ogpcatalog/migration/ogpcatalog_search/``), applied in production by
``ckan db upgrade -p ogpcatalog_search``. The backend applies the same migrations itself when
an object is missing or outdated: at start-up, and when an index query fails on a missing
table, column, function or configuration. CKAN's test ``reset_db`` drops every table (the
version table with them) and CKAN's own search tests know nothing of this plugin's migrations;
a table dropped behind the backend's back is repaired the same way.

The check costs a few catalogue lookups and runs only then; migrations run only when it
finds something missing.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import ckan.model as model

from .model import INDEX_TABLE, STATE_TABLE, search_index_table, search_state_table

__all__ = ["INDEX_TABLE", "STATE_TABLE", "ensure_schema", "missing_objects"]

log = logging.getLogger(__name__)

PLUGIN = "ogpcatalog_search"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migration" / PLUGIN
VERSION_TABLE = f"{PLUGIN}_alembic_version"

# The version the head revision writes in the tables' comments. Processes of the code that
# created the schema at run time (before the migrations) read it: they drop tables of an older
# version and leave newer ones alone, so processes of two versions never undo each other's
# upgrade. A revision that changes a table writes the next number, and this follows it.
SCHEMA_VERSION = 6
_VERSION_COMMENT = "ogpcatalog_search schema {}"

FACETS_INDEX = f"{INDEX_TABLE}_facets_idx"
SEQUENCE = f"{INDEX_TABLE}_seq"
FUNCTIONS = ("ogpcatalog_tsv", "ogpcatalog_tsq", "ogpcatalog_phrase_tsq", "ogpcatalog_field_text")
TEXT_SEARCH_CONFIGURATIONS = ("ogpcatalog_es", "ogpcatalog_en", "ogpcatalog_simple")
_COLUMNS = {table.name: tuple(column.name for column in table.columns)
            for table in (search_index_table, search_state_table)}

# Serialises the check-and-migrate of the processes (and threads: alembic's context is
# process-global) that find the schema missing at the same time. The migrations take a lock
# of their own (migration/ogpcatalog_search/env.py) against `ckan db upgrade` runs.
_ENSURE_LOCK = 0x0C9CA7A2


def current_revision(scalar: Callable[[str], Any]) -> str | None:
    """The revision the migrations recorded; ``scalar`` runs SQL and returns one value."""
    if not scalar(f"SELECT to_regclass('{VERSION_TABLE}') IS NOT NULL"):
        return None
    return scalar(f"SELECT max(version_num) FROM {VERSION_TABLE}")


def missing_objects(scalar: Callable[[str], Any]) -> list[str]:
    """Names of the schema objects that are missing or outdated (tables of a newer version
    count as present); ``scalar`` runs SQL and returns one value."""
    missing = []
    if not scalar("SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'"):
        missing.append("unaccent")
    configurations = scalar("SELECT count(*) FROM pg_ts_config WHERE cfgname IN ({})".format(
        ", ".join(f"'{name}'" for name in TEXT_SEARCH_CONFIGURATIONS)))
    if configurations != len(TEXT_SEARCH_CONFIGURATIONS):
        missing.append("text search configurations")
    for name in FUNCTIONS:
        if not scalar(f"SELECT count(*) FROM pg_proc WHERE proname = '{name}'"):
            missing.append(name)
    if (scalar(f"SELECT to_regclass('{INDEX_TABLE}') IS NOT NULL")
            and scalar(f"SELECT to_regclass('{FACETS_INDEX}') IS NULL")):
        missing.append(FACETS_INDEX)
    for relation in (INDEX_TABLE, STATE_TABLE, SEQUENCE):
        if scalar(f"SELECT to_regclass('{relation}') IS NULL"):
            missing.append(relation)
        elif relation != SEQUENCE:
            version = _version_of(scalar(f"SELECT obj_description('{relation}'::regclass, 'pg_class')"))
            columns = scalar(f"SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attribute "
                             f"WHERE attrelid = '{relation}'::regclass AND attnum > 0 AND NOT attisdropped")
            if version < SCHEMA_VERSION or (
                    version == SCHEMA_VERSION and columns != ",".join(sorted(_COLUMNS[relation]))):
                missing.append(f"outdated {relation}")
    return missing


def _version_of(comment: str | None) -> int:
    try:
        return int((comment or "").rsplit(" ", 1)[-1])
    except ValueError:
        return 0


def ensure_schema() -> list[str]:
    """Apply the plugin's migrations if an object is missing or outdated; returns what was.

    An object missing at a recorded revision is damage, not a pending migration: the version
    is reset to the base first, and every revision, written to create only what is missing,
    runs again. Each run is a transaction of its own (never the caller's: its locks would then
    last as long as that transaction).
    """
    with model.meta.engine.connect() as connection:
        # Autocommit: the check holds no lock on the objects the migrations may replace.
        connection.execution_options(isolation_level="AUTOCOMMIT")

        def scalar(sql: str) -> Any:
            return connection.execute(sa.text(sql)).scalar()

        connection.execute(sa.text("SELECT pg_advisory_lock(:id)"), {"id": _ENSURE_LOCK})
        try:
            head, known = _revisions()
            revision = current_revision(scalar)
            if revision is not None and revision not in known:
                # A process of older code fails until restarted; it never downgrades.
                log.warning("Search index schema at revision %s, newer than this code's %s: "
                            "left alone", revision, head)
                return []
            missing = missing_objects(scalar)
            damaged = bool(missing) and revision is not None
            if revision != head:
                missing.insert(0, VERSION_TABLE if revision is None else f"{PLUGIN} revision {head}")
            if missing:
                config = _alembic_config()
                if damaged:
                    command.stamp(config, "base", purge=True)
                command.upgrade(config, "head")
        finally:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:id)"), {"id": _ENSURE_LOCK})
    return missing


def _alembic_config() -> Config:
    """The configuration ``ckan db upgrade -p ogpcatalog_search`` builds (the plugin's
    alembic.ini, the database of CKAN's engine), but leaving the process's logging alone."""
    config = Config(str(MIGRATIONS / "alembic.ini"))
    url = model.meta.engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


@functools.cache
def _revisions() -> tuple[str, frozenset[str]]:
    """The head revision of the plugin's migrations, and every revision they know."""
    script = ScriptDirectory(str(MIGRATIONS))
    return script.get_current_head(), frozenset(r.revision for r in script.walk_revisions())
