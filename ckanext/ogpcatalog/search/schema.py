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

# A lock id shared by every process that may create the schema at the same time.
_DDL_LOCK = 0x0C9CA7A1

_STATEMENTS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Text-search configurations: unaccent first, then the language's stemmer.
    """
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
    """,
    # Every text is indexed in the three configurations: Spanish and English stems, and
    # the unstemmed, unaccented word (exact words, codes, proper names).
    """
    CREATE OR REPLACE FUNCTION ogpcatalog_tsv(txt text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT to_tsvector('ogpcatalog_es'::regconfig, coalesce(txt, ''))
          || to_tsvector('ogpcatalog_en'::regconfig, coalesce(txt, ''))
          || to_tsvector('ogpcatalog_simple'::regconfig, coalesce(txt, ''))
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ogpcatalog_tsq(txt text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT plainto_tsquery('ogpcatalog_es'::regconfig, txt)
          || plainto_tsquery('ogpcatalog_en'::regconfig, txt)
          || plainto_tsquery('ogpcatalog_simple'::regconfig, txt)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ogpcatalog_phrase_tsq(txt text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT phraseto_tsquery('ogpcatalog_es'::regconfig, txt)
          || phraseto_tsquery('ogpcatalog_en'::regconfig, txt)
          || phraseto_tsquery('ogpcatalog_simple'::regconfig, txt)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION ogpcatalog_field_text(doc jsonb, field text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(doc -> field) = 'array' THEN doc -> field ELSE '[]'::jsonb END) v
    $$
    """,
    f"""
    CREATE TABLE IF NOT EXISTS {INDEX_TABLE} (
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
      tsv tsvector NOT NULL,
      doc jsonb NOT NULL,
      texts jsonb NOT NULL,
      stored jsonb NOT NULL,
      data_dict text,
      validated_data_dict text,
      seq bigint NOT NULL,
      indexed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (site_id, id)
    )
    """,
    f"CREATE SEQUENCE IF NOT EXISTS {INDEX_TABLE}_seq",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_id_idx ON {INDEX_TABLE} (id)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_tsv_idx ON {INDEX_TABLE} USING gin (tsv)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_doc_idx ON {INDEX_TABLE} USING gin (doc jsonb_path_ops)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_labels_idx ON {INDEX_TABLE} USING gin (permission_labels)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_modified_idx ON {INDEX_TABLE} (metadata_modified)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_created_idx ON {INDEX_TABLE} (metadata_created)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_title_idx ON {INDEX_TABLE} (title_string)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_name_idx ON {INDEX_TABLE} (name COLLATE \"C\")",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_org_idx ON {INDEX_TABLE} (organization)",
    f"CREATE INDEX IF NOT EXISTS {INDEX_TABLE}_seq_idx ON {INDEX_TABLE} (seq)",
    f"""
    CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
      id integer PRIMARY KEY,
      token text NOT NULL
    )
    """,
]

DROP_STATEMENTS = [
    f"DROP TABLE IF EXISTS {INDEX_TABLE}",
    f"DROP TABLE IF EXISTS {STATE_TABLE}",
    f"DROP SEQUENCE IF EXISTS {INDEX_TABLE}_seq",
    "DROP FUNCTION IF EXISTS ogpcatalog_field_text(jsonb, text)",
    "DROP FUNCTION IF EXISTS ogpcatalog_phrase_tsq(text)",
    "DROP FUNCTION IF EXISTS ogpcatalog_tsq(text)",
    "DROP FUNCTION IF EXISTS ogpcatalog_tsv(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ogpcatalog_es",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ogpcatalog_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ogpcatalog_simple",
]


def create_schema(execute: Any) -> None:
    """Create everything that is missing. ``execute`` runs one SQL string (no params)."""
    execute(f"SELECT pg_advisory_xact_lock({_DDL_LOCK})")
    for statement in _STATEMENTS:
        execute(statement)


def drop_schema(execute: Any) -> None:
    for statement in DROP_STATEMENTS:
        execute(statement)
