"""The metrics tables (alembic revisions a1c3e0f00001, a1c3e0f00003 and a1c3e0f00004), declared on
CKAN's metadata.

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
FACTS_TABLE = "ogpcatalog_dataset_facts"
STALE_TABLE = "ogpcatalog_dataset_facts_stale"
FULFILMENT_TABLE = "ogpcatalog_obligation_fulfilment"
ROLLUP_TABLE = "ogpcatalog_institution_rollup"
COUNTS_TABLE = "ogpcatalog_institution_counts"

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

# One row per active dataset (not harvest sources): what the indicators aggregate, kept up to
# date by :mod:`.facts` from CKAN's tables (see there for what is and is not stored).
facts_table = sa.Table(
    FACTS_TABLE,
    tk.BaseModel.metadata,
    # the columns every indicator reads first (migration a1c3e0f00004)
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("owner_org", sa.UnicodeText),
    sa.Column("type", sa.UnicodeText, nullable=False),
    sa.Column("private", sa.Boolean, nullable=False),
    sa.Column("harvested", sa.Boolean, nullable=False),
    sa.Column("has_period", sa.Boolean, nullable=False),
    sa.Column("with_evidence", sa.Boolean, nullable=False),
    sa.Column("resources", sa.Integer, nullable=False),
    sa.Column("with_download", sa.Integer, nullable=False),
    sa.Column("open_fmt", sa.Integer, nullable=False),
    sa.Column("mr_fmt", sa.Integer, nullable=False),
    sa.Column("findability", sa.Float, nullable=False),
    sa.Column("accessibility", sa.Float, nullable=False),
    sa.Column("interoperability", sa.Float, nullable=False),
    sa.Column("reusability", sa.Float, nullable=False),
    sa.Column("contextuality", sa.Float, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("due", sa.DateTime),
    sa.Column("last_change", sa.DateTime),
    sa.Column("metadata_modified", sa.DateTime),
    sa.Column("rules", sa.UnicodeText, nullable=False),
    sa.Column("refreshed", sa.DateTime, nullable=False),
    sa.Column("themes", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("formats", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("obligations", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    sa.Column("frequency", sa.UnicodeText),
    sa.Column("name", sa.UnicodeText, nullable=False),
    sa.Column("title", sa.UnicodeText),
    sa.Column("title_translated", sa.UnicodeText),
    sa.Column("tags", postgresql.ARRAY(sa.UnicodeText), nullable=False),
    extend_existing=True,
)

# Datasets written through CKAN since their facts were computed (see :mod:`.facts`).
stale_table = sa.Table(
    STALE_TABLE,
    tk.BaseModel.metadata,
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("marked", sa.DateTime, nullable=False),
    extend_existing=True,
)

# Per institution and obligation, the last change of the public datasets that fulfil it:
# derived from the facts, in the transaction that changes them (see :mod:`.rollups`).
fulfilment_table = sa.Table(
    FULFILMENT_TABLE,
    tk.BaseModel.metadata,
    sa.Column("owner_org", sa.UnicodeText, primary_key=True),
    sa.Column("code", sa.UnicodeText, primary_key=True),
    sa.Column("last_change", sa.DateTime),
    extend_existing=True,
)

# Per institution, dataset type, visibility and harvested flag: sums of the facts (see
# :mod:`.rollups`).
rollup_table = sa.Table(
    ROLLUP_TABLE,
    tk.BaseModel.metadata,
    sa.Column("owner_org", sa.UnicodeText, primary_key=True),
    sa.Column("type", sa.UnicodeText, primary_key=True),
    sa.Column("private", sa.Boolean, primary_key=True),
    sa.Column("harvested", sa.Boolean, primary_key=True),
    *[sa.Column(name, sa.Integer, nullable=False) for name in (
        "datasets", "resources", "open_fmt", "mr_fmt", "with_period", "with_evidence")],
    *[sa.Column(name, sa.Float, nullable=False) for name in (
        "findability", "accessibility", "interoperability", "reusability", "contextuality",
        "score")],
    *[sa.Column(name, sa.Integer, nullable=False) for name in (
        "excellent", "good", "sufficient", "bad")],
    extend_existing=True,
)

# Per institution and dataset type: public datasets per theme, resources per format.
counts_table = sa.Table(
    COUNTS_TABLE,
    tk.BaseModel.metadata,
    sa.Column("owner_org", sa.UnicodeText, primary_key=True),
    sa.Column("type", sa.UnicodeText, primary_key=True),
    sa.Column("kind", sa.UnicodeText, primary_key=True),
    sa.Column("code", sa.UnicodeText, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
    extend_existing=True,
)

# Per dataset, the last SHACL run of its own RDF against the DCAT-AP shapes (migration
# a1c3e0f00005; metrics/quality.py): the 30 "DCAT-AP compliance" points of the quality score
# come from it while ``metadata_modified`` is the one it was run on.
SHACL_TABLE = "ogpcatalog_dataset_shacl"
shacl_table = sa.Table(
    SHACL_TABLE,
    tk.BaseModel.metadata,
    sa.Column("package_id", sa.UnicodeText, primary_key=True),
    sa.Column("metadata_modified", sa.DateTime),
    sa.Column("conforms", sa.Boolean, nullable=False),
    sa.Column("violations", sa.Integer, nullable=False),
    sa.Column("shapes", sa.UnicodeText, nullable=False),
    sa.Column("checked", sa.DateTime, nullable=False),
    extend_existing=True,
)
