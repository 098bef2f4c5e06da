"""The PostgreSQL search index (schema 6): one table, its GIN/btree indexes, text-search
configurations for Spanish, English and a language-neutral one (all accent-insensitive), the
functions queries call, and a one-row table holding the index's change token (search/cache.py).

Before this migration, the backend created the same objects itself at run time, at its
schema version 6 (written in the tables' comments, which older processes still read). This
revision creates what is missing, and only that: on a portal whose objects that code built,
it keeps them and their rows, and only records the revision. A table of an older version is
dropped and created again; the index is derived data, marked for a rebuild if the portal
holds datasets.

Every revision of this plugin must be written the same way (create what is missing, idempotent):
the backend applies them again from the base when it finds its schema damaged (a table or
column dropped behind its back), not only on an empty database.

Revision ID: c5e4a0f00001
Revises:
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = "c5e4a0f00001"
down_revision = None
branch_labels = None
depends_on = None

INDEX_TABLE = "ogpcatalog_search_index"
STATE_TABLE = "ogpcatalog_search_state"
SEQUENCE = f"{INDEX_TABLE}_seq"
# Read by processes of the code that created these tables at run time: they drop tables of
# an older version, and leave newer ones alone.
VERSION_COMMENT = "ogpcatalog_search schema 6"
CONFIGURATIONS = ("ogpcatalog_es", "ogpcatalog_en", "ogpcatalog_simple")

# Text-search configurations: unaccent first, then the language's stemmer.
TEXT_SEARCH = """
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


def _query_function(name: str, parser: str) -> str:
    """A function turning a text into the OR of its ``parser`` queries in the three configurations."""
    queries = "\n          || ".join(f"{parser}('{config}'::regconfig, txt)" for config in CONFIGURATIONS)
    return f"""
    CREATE OR REPLACE FUNCTION {name}(txt text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT {queries}
    $$
    """


# Every text is indexed in the three configurations: Spanish and English stems, and the
# unstemmed, unaccented word (exact words, codes, proper names).
FUNCTIONS = {
    "ogpcatalog_tsv": """
    CREATE OR REPLACE FUNCTION ogpcatalog_tsv(txt text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT to_tsvector('ogpcatalog_es'::regconfig, coalesce(txt, ''))
          || to_tsvector('ogpcatalog_en'::regconfig, coalesce(txt, ''))
          || to_tsvector('ogpcatalog_simple'::regconfig, coalesce(txt, ''))
    $$
    """,
    "ogpcatalog_tsq": _query_function("ogpcatalog_tsq", "plainto_tsquery"),
    "ogpcatalog_phrase_tsq": _query_function("ogpcatalog_phrase_tsq", "phraseto_tsquery"),
    "ogpcatalog_field_text": """
    CREATE OR REPLACE FUNCTION ogpcatalog_field_text(doc jsonb, field text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(doc -> field) = 'array' THEN doc -> field ELSE '[]'::jsonb END) v
    $$
    """,
}
FUNCTION_SIGNATURES = {
    "ogpcatalog_tsv": "ogpcatalog_tsv(text)",
    "ogpcatalog_tsq": "ogpcatalog_tsq(text)",
    "ogpcatalog_phrase_tsq": "ogpcatalog_phrase_tsq(text)",
    "ogpcatalog_field_text": "ogpcatalog_field_text(jsonb, text)",
}

INDEX_COLUMNS = ("id", "name", "site_id", "state", "capacity", "dataset_type", "organization",
                 "permission_labels", "metadata_created", "metadata_modified", "title_string",
                 "tsv", "rank_tsv", "doc", "facets", "texts", "stored", "data_dict",
                 "validated_data_dict", "seq", "indexed_at")
STATE_COLUMNS = ("id", "token", "rebuild_required")

INDEX_TABLE_DDL = f"""
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
"""
# The names are the ones PostgreSQL gave the unnamed indexes of the run-time DDL. GIN indexes
# have no pending list (fastupdate = off): a write costs a little more, and queries never slow
# down between vacuums after a bulk rebuild or harvest.
GIN = "WITH (fastupdate = off)"
INDEXES = {
    "ogpcatalog_search_index_id_idx": "(id)",
    "ogpcatalog_search_index_tsv_idx": f"USING gin (tsv) {GIN}",
    "ogpcatalog_search_index_doc_idx": f"USING gin (doc jsonb_path_ops) {GIN}",
    "ogpcatalog_search_index_permission_labels_idx": f"USING gin (permission_labels) {GIN}",
    # The default order (newest first, ties in index order) with what the permission filters
    # read: deep pages are an index-only scan, not thousands of heap fetches.
    "ogpcatalog_search_index_metadata_modified_seq_site_id_id_st_idx":
        "(metadata_modified DESC, seq) INCLUDE (site_id, id, state, capacity, permission_labels)",
    "ogpcatalog_search_index_metadata_created_idx": "(metadata_created)",
    "ogpcatalog_search_index_title_string_idx": "(title_string)",
    "ogpcatalog_search_index_name_idx": '(name COLLATE "C")',
    "ogpcatalog_search_index_organization_idx": "(organization)",
    "ogpcatalog_search_index_seq_idx": "(seq)",
    # Exact-field filters (tags:x, res_format:CSV ...) match `facets` entries: an exact GIN
    # lookup with no recheck, instead of a lossy jsonb_path_ops match rechecked on `doc`.
    "ogpcatalog_search_index_facets_idx": f"USING gin (facets) {GIN}",
}

STATE_TABLE_DDL = f"""
    CREATE TABLE {STATE_TABLE} (
      id integer PRIMARY KEY,
      token text,
      rebuild_required boolean NOT NULL DEFAULT false
    )
"""


def _scalar(sql: str):
    return op.get_bind().execute(sa.text(sql)).scalar()


def _is_current(table: str, columns: tuple[str, ...]) -> bool | None:
    """None if the table is missing; whether it has this revision's comment and columns."""
    if _scalar(f"SELECT to_regclass('{table}') IS NULL"):
        return None
    comment = _scalar(f"SELECT obj_description('{table}'::regclass, 'pg_class')")
    names = _scalar(f"SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attribute "
                    f"WHERE attrelid = '{table}'::regclass AND attnum > 0 AND NOT attisdropped")
    return comment == VERSION_COMMENT and names == ",".join(sorted(columns))


def _create_table(table: str, ddl: str, columns: tuple[str, ...]) -> bool:
    """Create the table unless it is current (an outdated one is dropped first); whether it was."""
    current = _is_current(table, columns)
    if current:
        return False
    if current is False:
        op.execute(f"DROP TABLE {table}")
    op.execute(ddl)
    op.execute(f"COMMENT ON TABLE {table} IS '{VERSION_COMMENT}'")
    return True


def upgrade():
    # Statements on existing objects would take locks that wait for every open writer of the
    # index: each object is created only if it is missing.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(TEXT_SEARCH)
    for name, statement in FUNCTIONS.items():
        if not _scalar(f"SELECT count(*) FROM pg_proc WHERE proname = '{name}'"):
            op.execute(statement)
    op.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
    _create_table(STATE_TABLE, STATE_TABLE_DDL, STATE_COLUMNS)
    index_created = _create_table(INDEX_TABLE, INDEX_TABLE_DDL, INDEX_COLUMNS)
    for name, definition in INDEXES.items():
        if _scalar(f"SELECT to_regclass('{name}') IS NULL"):
            op.execute(f"CREATE INDEX {name} ON {INDEX_TABLE} {definition}")
    if index_created:
        # An index created empty for a portal that holds datasets must not answer as if the
        # catalogue were empty (ckan/ckan#8002): searches fail until it is rebuilt.
        has_datasets = bool(
            _scalar("SELECT to_regclass('package') IS NOT NULL")  # false before `ckan db init`
            and _scalar("SELECT EXISTS (SELECT 1 FROM package WHERE state = 'active')"))
        op.execute(f"""
            INSERT INTO {STATE_TABLE} (id, token, rebuild_required)
            VALUES (1, NULL, {'true' if has_datasets else 'false'})
            ON CONFLICT (id) DO UPDATE SET token = NULL,
              rebuild_required = EXCLUDED.rebuild_required
        """)


def downgrade():
    # The unaccent extension stays: it is the database's, and other code may use it.
    op.execute(f"DROP TABLE IF EXISTS {INDEX_TABLE}")
    op.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
    op.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")
    for signature in FUNCTION_SIGNATURES.values():
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    for name in CONFIGURATIONS:
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
