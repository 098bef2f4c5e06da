"""The metrics tables (created by the alembic revision a1c3e0f00001), declared on CKAN's metadata.

Declaring them here lets CKAN treat them as its own: ``model.repo.delete_all()`` (the tests'
``reset_db``) empties them along with the datasets they describe.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import ckan.plugins.toolkit as tk

OBLIGATION_TABLE = "ogpcatalog_obligation"
SNAPSHOT_TABLE = "ogpcatalog_metrics_snapshot"
LINK_CHECK_TABLE = "ogpcatalog_link_check"

obligation_table = sa.Table(
    OBLIGATION_TABLE,
    tk.BaseModel.metadata,
    sa.Column("code", sa.UnicodeText, primary_key=True),
    sa.Column("title", postgresql.JSONB, nullable=False),
    sa.Column("description", postgresql.JSONB, nullable=False),
    sa.Column("legal_basis", sa.UnicodeText, nullable=False),
    sa.Column("frequency", sa.UnicodeText, nullable=False),
    sa.Column("applies_to", postgresql.JSONB, nullable=False),
    sa.Column("match", postgresql.JSONB, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("modified", sa.DateTime, nullable=False),
    extend_existing=True,
)

snapshot_table = sa.Table(
    SNAPSHOT_TABLE,
    tk.BaseModel.metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("indicator", sa.UnicodeText, primary_key=True),
    # `portal` (scope_key ""), or `institution` (scope_key: the organization's id)
    sa.Column("scope", sa.UnicodeText, primary_key=True),
    sa.Column("scope_key", sa.UnicodeText, primary_key=True),
    sa.Column("value", sa.Float),
    # `snapshot` (measured that day) or `backfill` (rebuilt from creation dates)
    sa.Column("source", sa.UnicodeText, nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    extend_existing=True,
)

link_check_table = sa.Table(
    LINK_CHECK_TABLE,
    tk.BaseModel.metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    # `url` (the access URL) or `download_url`
    sa.Column("field", sa.UnicodeText, primary_key=True),
    sa.Column("url", sa.UnicodeText, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("status_code", sa.Integer),
    sa.Column("error", sa.UnicodeText),
    sa.Column("checked_at", sa.DateTime, nullable=False),
    extend_existing=True,
)
