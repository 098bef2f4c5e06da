"""Publisher metrics tables: obligations, daily snapshots, link-check results (issue 6).

Revision ID: a1c3e0f00001
Revises:
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1c3e0f00001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ogpcatalog_obligation",
        sa.Column("code", sa.UnicodeText, primary_key=True),
        sa.Column("title", postgresql.JSONB, nullable=False),
        sa.Column("description", postgresql.JSONB, nullable=False,
                  server_default=sa.text("'{}'::jsonb")),
        sa.Column("legal_basis", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("frequency", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("applies_to", postgresql.JSONB, nullable=False,
                  server_default=sa.text("'{}'::jsonb")),
        sa.Column("match", postgresql.JSONB, nullable=False,
                  server_default=sa.text("'{}'::jsonb")),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_table(
        "ogpcatalog_metrics_snapshot",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("indicator", sa.UnicodeText, nullable=False),
        sa.Column("scope", sa.UnicodeText, nullable=False),
        sa.Column("scope_key", sa.UnicodeText, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("source", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("day", "indicator", "scope", "scope_key",
                                name="ogpcatalog_metrics_snapshot_pkey"),
    )
    # Time series read one indicator of one scope over a range of days.
    op.create_index("ogpcatalog_metrics_snapshot_series_idx", "ogpcatalog_metrics_snapshot",
                    ["indicator", "scope", "scope_key", "day"])
    op.create_table(
        "ogpcatalog_link_check",
        sa.Column("resource_id", sa.UnicodeText, nullable=False),
        sa.Column("field", sa.UnicodeText, nullable=False),
        sa.Column("url", sa.UnicodeText, nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("error", sa.UnicodeText),
        sa.Column("checked_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("resource_id", "field", name="ogpcatalog_link_check_pkey"),
    )


def downgrade():
    op.drop_table("ogpcatalog_link_check")
    op.drop_index("ogpcatalog_metrics_snapshot_series_idx", "ogpcatalog_metrics_snapshot")
    op.drop_table("ogpcatalog_metrics_snapshot")
    op.drop_table("ogpcatalog_obligation")
