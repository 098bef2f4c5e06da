"""Publisher metrics: the per-dataset facts the indicators aggregate (issue 6).

Revision ID: a1c3e0f00003
Revises: a1c3e0f00002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1c3e0f00003"
down_revision = "a1c3e0f00002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ogpcatalog_dataset_facts",
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        # the package's metadata_modified the row was computed from, and the rules' version
        sa.Column("metadata_modified", sa.DateTime),
        sa.Column("rules", sa.UnicodeText, nullable=False),
        sa.Column("refreshed", sa.DateTime, nullable=False),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText),
        sa.Column("title_translated", sa.UnicodeText),
        sa.Column("type", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("themes", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        # codes of the obligations whose match rule or marker tag the dataset meets
        sa.Column("obligations", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("frequency", sa.UnicodeText),
        sa.Column("last_change", sa.DateTime),
        sa.Column("has_period", sa.Boolean, nullable=False),
        sa.Column("due", sa.DateTime),
        sa.Column("with_evidence", sa.Boolean, nullable=False),
        sa.Column("harvested", sa.Boolean, nullable=False),
        sa.Column("resources", sa.Integer, nullable=False),
        sa.Column("with_download", sa.Integer, nullable=False),
        sa.Column("open_fmt", sa.Integer, nullable=False),
        sa.Column("mr_fmt", sa.Integer, nullable=False),
        sa.Column("formats", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.Column("findability", sa.Float, nullable=False),
        sa.Column("interoperability", sa.Float, nullable=False),
        sa.Column("reusability", sa.Float, nullable=False),
        sa.Column("contextuality", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("package_id", name="ogpcatalog_dataset_facts_pkey"),
    )
    op.create_index("ogpcatalog_dataset_facts_owner_org_idx", "ogpcatalog_dataset_facts",
                    ["owner_org"])
    # The refresh check compares every active dataset's stamp with its row's: two index-only
    # scans merged, instead of reading the package table (wide rows) on every indicator read.
    op.create_index("ogpcatalog_dataset_facts_stamp_idx", "ogpcatalog_dataset_facts",
                    ["package_id"], postgresql_include=["metadata_modified", "rules"])
    op.create_index("ogpcatalog_package_stamp_idx", "package", ["id"],
                    postgresql_include=["metadata_modified"],
                    postgresql_where=sa.text("state = 'active' AND type <> 'harvest'"))
    # datasets written through CKAN since their facts were computed (marked in the writing
    # transaction, consumed by the refresh): catches writes that keep metadata_modified
    op.create_table(
        "ogpcatalog_dataset_facts_stale",
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("marked", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("package_id", name="ogpcatalog_dataset_facts_stale_pkey"),
    )


def downgrade():
    op.drop_index("ogpcatalog_package_stamp_idx", "package")
    op.drop_index("ogpcatalog_dataset_facts_stamp_idx", "ogpcatalog_dataset_facts")
    op.drop_table("ogpcatalog_dataset_facts_stale")
    op.drop_index("ogpcatalog_dataset_facts_owner_org_idx", "ogpcatalog_dataset_facts")
    op.drop_table("ogpcatalog_dataset_facts")
