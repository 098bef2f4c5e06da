"""The search index tables, declared on CKAN's metadata.

The DDL lives in the plugin's alembic migrations (``migration/ogpcatalog_search/``: it needs
text-search configurations and functions that SQLAlchemy does not model). Declaring the
tables here lets CKAN treat them as its own: ``model.repo.delete_all()`` (the fast path of
the tests' ``reset_db``) empties them along with the datasets they index, so the index never
outlives its data.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.plugins.toolkit as tk

INDEX_TABLE = "ogpcatalog_search_index"
STATE_TABLE = "ogpcatalog_search_state"

search_index_table = sa.Table(
    INDEX_TABLE,
    tk.BaseModel.metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("name", sa.UnicodeText, nullable=False),
    sa.Column("site_id", sa.UnicodeText, primary_key=True),
    sa.Column("state", sa.UnicodeText),
    sa.Column("capacity", sa.UnicodeText),
    sa.Column("dataset_type", sa.UnicodeText),
    sa.Column("organization", sa.UnicodeText),
    sa.Column("permission_labels", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("metadata_created", sa.DateTime(timezone=True)),
    sa.Column("metadata_modified", sa.DateTime(timezone=True)),
    sa.Column("title_string", sa.UnicodeText),
    sa.Column("tsv", postgresql.TSVECTOR, nullable=False),
    sa.Column("rank_tsv", postgresql.TSVECTOR, nullable=False),
    sa.Column("doc", postgresql.JSONB, nullable=False),
    sa.Column("facets", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("texts", postgresql.JSONB, nullable=False),
    sa.Column("stored", postgresql.JSONB, nullable=False),
    sa.Column("data_dict", sa.UnicodeText),
    sa.Column("validated_data_dict", sa.UnicodeText),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
)

search_state_table = sa.Table(
    STATE_TABLE,
    tk.BaseModel.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token", sa.UnicodeText),
    sa.Column("rebuild_required", sa.Boolean, nullable=False),
)
