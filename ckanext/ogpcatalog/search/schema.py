"""DDL of the PostgreSQL search index: one table, its GIN/btree indexes, text-search
configurations for Spanish, English and a language-neutral one (all accent-insensitive),
and a one-row table holding the index's change token (see :mod:`.cache`).

The same idempotent statements serve the alembic migration (production:
``ckan db upgrade -p ogpcatalog_search``) and the on-demand recreation after a test's
``reset_db`` dropped every table.
"""
from __future__ import annotations

from typing import Any

INDEX_TABLE = "ogpcatalog_search_index"
STATE_TABLE = "ogpcatalog_search_state"

# Bump when the tables change. The index is derived data: tables of an older version are
# dropped and recreated, and the index is marked for a rebuild if the portal has datasets.
# Upgrades only go forward: a process of older code never touches newer tables (it fails
# until restarted), so processes of two versions cannot undo each other's upgrade.
SCHEMA_VERSION = 6
_VERSION_COMMENT = "ogpcatalog_search schema {}"

# A lock id shared by every process that may create the schema at the same time.
_DDL_LOCK = 0x0C9CA7A1

_EXTENSIONS = ["CREATE EXTENSION IF NOT EXISTS unaccent"]

# Text-search configurations: unaccent first, then the language's stemmer.
_TEXT_SEARCH = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ogpcatalog_es') THEN
    CREATE TEXT SEARCH CONFIGURATION ogpcatalog_es (COPY = pg_catalog.spanish);
    ALTER TEXT SEARCH CONFIGURATION ogpcatalog_es
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ogpcatalog_en') THEN
    CREATE TEXT SEARCH CONFIGURATION ogpcatalog_en (COPY = pg_catalog.english);
    ALTER TEXT SEARCH CONFIGURATION ogpcatalog_en
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ogpcatalog_simple') THEN
    CREATE TEXT SEARCH CONFIGURATION ogpcatalog_simple (COPY = pg_catalog.simple);
    ALTER TEXT SEARCH CONFIGURATION ogpcatalog_simple
      ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, hword, hword_part, word
      WITH unaccent, simple;
  END IF;
END
$$
"""

# Every text is indexed in the three configurations: Spanish and English stems, and the
# unstemmed, unaccented word (exact words, codes, proper names).
_FUNCTIONS = {
    "ogpcatalog_tsv": """
    CREATE OR REPLACE FUNCTION ogpcatalog_tsv(txt text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT to_tsvector('ogpcatalog_es'::regconfig, coalesce(txt, ''))
          || to_tsvector('ogpcatalog_en'::regconfig, coalesce(txt, ''))
          || to_tsvector('ogpcatalog_simple'::regconfig, coalesce(txt, ''))
    $$
    """,
    "ogpcatalog_tsq": """
    CREATE OR REPLACE FUNCTION ogpcatalog_tsq(txt text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT plainto_tsquery('ogpcatalog_es'::regconfig, txt)
          || plainto_tsquery('ogpcatalog_en'::regconfig, txt)
          || plainto_tsquery('ogpcatalog_simple'::regconfig, txt)
    $$
    """,
    "ogpcatalog_phrase_tsq": """
    CREATE OR REPLACE FUNCTION ogpcatalog_phrase_tsq(txt text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT phraseto_tsquery('ogpcatalog_es'::regconfig, txt)
          || phraseto_tsquery('ogpcatalog_en'::regconfig, txt)
          || phraseto_tsquery('ogpcatalog_simple'::regconfig, txt)
    $$
    """,
    "ogpcatalog_field_text": """
    CREATE OR REPLACE FUNCTION ogpcatalog_field_text(doc jsonb, field text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(doc -> field) = 'array' THEN doc -> field ELSE '[]'::jsonb END) v
    $$
    """,
}

# GIN indexes without a pending list (fastupdate = off): a write costs a little more, and
# queries never slow down between vacuums after a bulk rebuild or harvest.
_INDEX_TABLE_DDL = [
    f"""
    CREATE TABLE {INDEX_TABLE} (
      id text NOT NULL,
      name text NOT NULL,
      site_id text NOT NULL,
      state text,
      capacity text,
      dataset_type text,
      organization text,
      permission_labels text[] NOT NULL DEFAULT '{{}}',
      metadata_created timestamptz,
      metadata_modified timestamptz,
      title_string text COLLATE "C",
      tsv tsvector COMPRESSION lz4 NOT NULL,
      rank_tsv tsvector NOT NULL,
      doc jsonb COMPRESSION lz4 NOT NULL,
      facets text[] NOT NULL DEFAULT '{{}}',
      texts jsonb COMPRESSION lz4 NOT NULL,
      stored jsonb COMPRESSION lz4 NOT NULL,
      data_dict text COMPRESSION lz4,
      validated_data_dict text COMPRESSION lz4,
      seq bigint NOT NULL,
      indexed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (site_id, id)
    )
    """,
    f"CREATE INDEX ON {INDEX_TABLE} (id)",
    f"CREATE INDEX ON {INDEX_TABLE} USING gin (tsv) WITH (fastupdate = off)",
    f"CREATE INDEX ON {INDEX_TABLE} USING gin (doc jsonb_path_ops) WITH (fastupdate = off)",
    f"CREATE INDEX ON {INDEX_TABLE} USING gin (permission_labels) WITH (fastupdate = off)",
    # The default order (newest first, ties in index order) with what the permission filters
    # read: deep pages are an index-only scan, not thousands of heap fetches.
    f"CREATE INDEX ON {INDEX_TABLE} (metadata_modified DESC, seq) "
    "INCLUDE (site_id, id, state, capacity, permission_labels)",
    f"CREATE INDEX ON {INDEX_TABLE} (metadata_created)",
    f"CREATE INDEX ON {INDEX_TABLE} (title_string)",
    f"CREATE INDEX ON {INDEX_TABLE} (name COLLATE \"C\")",
    f"CREATE INDEX ON {INDEX_TABLE} (organization)",
    f"CREATE INDEX ON {INDEX_TABLE} (seq)",
]

# Exact-field filters (tags:x, res_format:CSV ...) match `facets` entries: an exact GIN
# lookup with no recheck, instead of a lossy jsonb_path_ops match rechecked on `doc`.
FACETS_INDEX = f"{INDEX_TABLE}_facets_idx"
_FACETS_INDEX_DDL = f"CREATE INDEX IF NOT EXISTS {FACETS_INDEX} ON {INDEX_TABLE} USING gin (facets) WITH (fastupdate = off)"
_INDEX_TABLE_DDL.append(_FACETS_INDEX_DDL)

_STATE_TABLE_DDL = [
    f"""
    CREATE TABLE {STATE_TABLE} (
      id integer PRIMARY KEY,
      token text,
      rebuild_required boolean NOT NULL DEFAULT false
    )
    """,
]

_SEQUENCE_DDL = f"CREATE SEQUENCE IF NOT EXISTS {INDEX_TABLE}_seq"

_COLUMNS = {
    INDEX_TABLE: ("id", "name", "site_id", "state", "capacity", "dataset_type", "organization",
                  "permission_labels", "metadata_created", "metadata_modified", "title_string",
                  "tsv", "rank_tsv", "doc", "facets", "texts", "stored", "data_dict", "validated_data_dict",
                  "seq", "indexed_at"),
    STATE_TABLE: ("id", "token", "rebuild_required"),
}


def missing_objects(scalar: Any) -> list[str]:
    """Names of the schema objects that do not exist. ``scalar`` runs SQL, returns one value."""
    missing = []
    if not scalar("SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'"):
        missing.append("unaccent")
    configs = scalar("SELECT count(*) FROM pg_ts_config WHERE cfgname IN "
                     "('ogpcatalog_es', 'ogpcatalog_en', 'ogpcatalog_simple')")
    if configs != 3:
        missing.append("text search configurations")
    for name in _FUNCTIONS:
        if not scalar(f"SELECT count(*) FROM pg_proc WHERE proname = '{name}'"):
            missing.append(name)
    if (scalar(f"SELECT to_regclass('{INDEX_TABLE}') IS NOT NULL")
            and scalar(f"SELECT to_regclass('{FACETS_INDEX}') IS NULL")):
        missing.append(FACETS_INDEX)
    for relation in (INDEX_TABLE, STATE_TABLE, f"{INDEX_TABLE}_seq"):
        if scalar(f"SELECT to_regclass('{relation}') IS NULL"):
            missing.append(relation)
        elif relation != f"{INDEX_TABLE}_seq":
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


def create_schema(execute: Any, scalar: Any) -> list[str]:
    """Create what is missing, and only that: statements on existing objects would take
    locks that wait for every open writer. Run it in a transaction of its own (never the
    caller's: its locks would then last as long as that transaction).
    """
    execute(f"SELECT pg_advisory_xact_lock({_DDL_LOCK})")
    missing = missing_objects(scalar)
    if "unaccent" in missing:
        for statement in _EXTENSIONS:
            execute(statement)
    if "text search configurations" in missing:
        execute(_TEXT_SEARCH)
    for name, statement in _FUNCTIONS.items():
        if name in missing:
            execute(statement)
    if f"{INDEX_TABLE}_seq" in missing:
        execute(_SEQUENCE_DDL)
    if FACETS_INDEX in missing and f"outdated {INDEX_TABLE}" not in missing:
        execute(_FACETS_INDEX_DDL)  # added to tables of this version built before it existed
    for table, ddl in ((STATE_TABLE, _STATE_TABLE_DDL), (INDEX_TABLE, _INDEX_TABLE_DDL)):
        if f"outdated {table}" in missing:
            execute(f"DROP TABLE {table}")
        if table in missing or f"outdated {table}" in missing:
            for statement in ddl:
                execute(statement)
            execute(f"COMMENT ON TABLE {table} IS '{_VERSION_COMMENT.format(SCHEMA_VERSION)}'")
    if INDEX_TABLE in missing or f"outdated {INDEX_TABLE}" in missing:
        # An index created empty for a portal that holds datasets must not answer as if
        # the catalogue were empty (ckan/ckan#8002): searches fail until it is rebuilt.
        has_datasets = bool(
            scalar("SELECT to_regclass('package') IS NOT NULL")  # false before `ckan db init`
            and scalar("SELECT EXISTS (SELECT 1 FROM package WHERE state = 'active')"))
        execute(f"""
            INSERT INTO {STATE_TABLE} (id, token, rebuild_required)
            VALUES (1, NULL, {'true' if has_datasets else 'false'})
            ON CONFLICT (id) DO UPDATE SET token = NULL,
              rebuild_required = EXCLUDED.rebuild_required
        """)
    return missing
