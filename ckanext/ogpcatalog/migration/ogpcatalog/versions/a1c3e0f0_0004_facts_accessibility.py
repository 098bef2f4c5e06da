"""Publisher metrics: the dataset facts keep the accessibility points and the quality score,
and per-institution rollups of them are kept beside them (metrics/rollups.py: sums, theme and
format counts, the fulfilment of the obligations) (issue 6).

The facts table is derived data: it is created again, empty, with the columns every
indicator reads first (PostgreSQL decodes a row's columns up to the last one a query needs,
so the wide ones, names, titles and tags, come last). The next read of the indicators
recomputes every row (about 4 s at 50,000 datasets), or `ckan ogpcatalog metrics
facts-rebuild` does it ahead.

Revision ID: a1c3e0f00004
Revises: a1c3e0f00003
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1c3e0f00004"
down_revision = "a1c3e0f00003"
branch_labels = None
depends_on = None

FACTS = "ogpcatalog_dataset_facts"


def upgrade():
    op.drop_index("ogpcatalog_dataset_facts_stamp_idx", FACTS)
    op.drop_index("ogpcatalog_dataset_facts_owner_org_idx", FACTS)
    op.drop_table(FACTS)
    op.create_table(
        FACTS,
        sa.Column("package_id", sa.UnicodeText, nullable=False),
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
        # the package's metadata_modified the row was computed from, and the rules' version
        sa.Column("metadata_modified", sa.DateTime),
        sa.Column("rules", sa.UnicodeText, nullable=False),
        sa.Column("refreshed", sa.DateTime, nullable=False),
        sa.Column("themes", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("formats", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        # codes of the obligations whose match rule or marker tag the dataset meets
        sa.Column("obligations", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("frequency", sa.UnicodeText),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText),
        sa.Column("title_translated", sa.UnicodeText),
        sa.Column("tags", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.PrimaryKeyConstraint("package_id", name="ogpcatalog_dataset_facts_pkey"),
    )
    op.create_index("ogpcatalog_dataset_facts_owner_org_idx", FACTS, ["owner_org"])
    op.create_index("ogpcatalog_dataset_facts_stamp_idx", FACTS, ["package_id"],
                    postgresql_include=["metadata_modified", "rules"])
    # freshness depends on "now": the up-to-date public datasets counted by index
    op.create_index("ogpcatalog_dataset_facts_due_idx", FACTS, ["due"],
                    postgresql_include=["owner_org", "type"],
                    postgresql_where=sa.text("NOT private AND has_period"))
    op.execute("DELETE FROM ogpcatalog_dataset_facts_stale")  # every row is recomputed anyway
    # per institution and obligation: the last change of its public datasets that fulfil it
    # (by match rule or marker tag); derived from the facts in their transaction
    op.create_table(
        "ogpcatalog_obligation_fulfilment",
        sa.Column("owner_org", sa.UnicodeText, nullable=False),
        sa.Column("code", sa.UnicodeText, nullable=False),
        sa.Column("last_change", sa.DateTime),
        sa.PrimaryKeyConstraint("owner_org", "code",
                                name="ogpcatalog_obligation_fulfilment_pkey"),
    )
    # per institution, dataset type, visibility and harvested flag: sums of the facts
    op.create_table(
        "ogpcatalog_institution_rollup",
        sa.Column("owner_org", sa.UnicodeText, nullable=False),
        sa.Column("type", sa.UnicodeText, nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("harvested", sa.Boolean, nullable=False),
        *[sa.Column(name, sa.Integer, nullable=False) for name in (
            "datasets", "resources", "open_fmt", "mr_fmt", "with_period", "with_evidence")],
        *[sa.Column(name, sa.Float, nullable=False) for name in (
            "findability", "accessibility", "interoperability", "reusability",
            "contextuality", "score")],
        *[sa.Column(name, sa.Integer, nullable=False) for name in (
            "excellent", "good", "sufficient", "bad")],
        sa.PrimaryKeyConstraint("owner_org", "type", "private", "harvested",
                                name="ogpcatalog_institution_rollup_pkey"),
    )
    # per institution and dataset type: public datasets per theme, resources per format
    op.create_table(
        "ogpcatalog_institution_counts",
        sa.Column("owner_org", sa.UnicodeText, nullable=False),
        sa.Column("type", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("code", sa.UnicodeText, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("owner_org", "type", "kind", "code",
                                name="ogpcatalog_institution_counts_pkey"),
    )


def downgrade():
    # revision a1c3e0f00003's code reads the columns by name: the two new ones go, and the
    # rows, computed under other rules, are recomputed by its next read
    op.drop_table("ogpcatalog_institution_counts")
    op.drop_table("ogpcatalog_institution_rollup")
    op.drop_table("ogpcatalog_obligation_fulfilment")
    op.drop_index("ogpcatalog_dataset_facts_due_idx", FACTS)
    op.execute(f"DELETE FROM {FACTS}")
    for column in ("score", "accessibility"):
        op.drop_column(FACTS, column)
