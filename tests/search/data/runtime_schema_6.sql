-- The search schema (version 6) exactly as search/schema.py created it at run time on an
-- empty database, before the ogpcatalog_search migrations existed (recorded from commit
-- 6c03fdb). tests/search/test_migrations.py builds a portal of that time from it.

CREATE EXTENSION IF NOT EXISTS unaccent;

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
$$;

CREATE OR REPLACE FUNCTION ogpcatalog_tsv(txt text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('ogpcatalog_es'::regconfig, coalesce(txt, ''))
      || to_tsvector('ogpcatalog_en'::regconfig, coalesce(txt, ''))
      || to_tsvector('ogpcatalog_simple'::regconfig, coalesce(txt, ''))
$$;

CREATE OR REPLACE FUNCTION ogpcatalog_tsq(txt text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT plainto_tsquery('ogpcatalog_es'::regconfig, txt)
      || plainto_tsquery('ogpcatalog_en'::regconfig, txt)
      || plainto_tsquery('ogpcatalog_simple'::regconfig, txt)
$$;

CREATE OR REPLACE FUNCTION ogpcatalog_phrase_tsq(txt text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT phraseto_tsquery('ogpcatalog_es'::regconfig, txt)
      || phraseto_tsquery('ogpcatalog_en'::regconfig, txt)
      || phraseto_tsquery('ogpcatalog_simple'::regconfig, txt)
$$;

CREATE OR REPLACE FUNCTION ogpcatalog_field_text(doc jsonb, field text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT string_agg(v, ' ') FROM jsonb_array_elements_text(
    CASE WHEN jsonb_typeof(doc -> field) = 'array' THEN doc -> field ELSE '[]'::jsonb END) v
$$;

CREATE SEQUENCE IF NOT EXISTS ogpcatalog_search_index_seq;

CREATE TABLE ogpcatalog_search_state (
  id integer PRIMARY KEY,
  token text,
  rebuild_required boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE ogpcatalog_search_state IS 'ogpcatalog_search schema 6';

CREATE TABLE ogpcatalog_search_index (
  id text NOT NULL,
  name text NOT NULL,
  site_id text NOT NULL,
  state text,
  capacity text,
  dataset_type text,
  organization text,
  permission_labels text[] NOT NULL DEFAULT '{}',
  metadata_created timestamptz,
  metadata_modified timestamptz,
  title_string text COLLATE "C",
  tsv tsvector COMPRESSION lz4 NOT NULL,
  rank_tsv tsvector NOT NULL,
  doc jsonb COMPRESSION lz4 NOT NULL,
  facets text[] NOT NULL DEFAULT '{}',
  texts jsonb COMPRESSION lz4 NOT NULL,
  stored jsonb COMPRESSION lz4 NOT NULL,
  data_dict text COMPRESSION lz4,
  validated_data_dict text COMPRESSION lz4,
  seq bigint NOT NULL,
  indexed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, id)
);

CREATE INDEX ON ogpcatalog_search_index (id);

CREATE INDEX ON ogpcatalog_search_index USING gin (tsv) WITH (fastupdate = off);

CREATE INDEX ON ogpcatalog_search_index USING gin (doc jsonb_path_ops) WITH (fastupdate = off);

CREATE INDEX ON ogpcatalog_search_index USING gin (permission_labels) WITH (fastupdate = off);

CREATE INDEX ON ogpcatalog_search_index (metadata_modified DESC, seq) INCLUDE (site_id, id, state, capacity, permission_labels);

CREATE INDEX ON ogpcatalog_search_index (metadata_created);

CREATE INDEX ON ogpcatalog_search_index (title_string);

CREATE INDEX ON ogpcatalog_search_index (name COLLATE "C");

CREATE INDEX ON ogpcatalog_search_index (organization);

CREATE INDEX ON ogpcatalog_search_index (seq);

CREATE INDEX IF NOT EXISTS ogpcatalog_search_index_facets_idx ON ogpcatalog_search_index USING gin (facets) WITH (fastupdate = off);

COMMENT ON TABLE ogpcatalog_search_index IS 'ogpcatalog_search schema 6';

INSERT INTO ogpcatalog_search_state (id, token, rebuild_required)
VALUES (1, NULL, false)
ON CONFLICT (id) DO UPDATE SET token = NULL,
  rebuild_required = EXCLUDED.rebuild_required;
