"""OCDS validation summaries of procurement resources (issue 7).

Revision ID: a1c3e0f00002
Revises: a1c3e0f00001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1c3e0f00002"
down_revision = "a1c3e0f00001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ogpcatalog_ocds_summary",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("source", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("problem", postgresql.JSONB),
        sa.Column("summary", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ogpcatalog_ocds_summary_package_id_idx", "ogpcatalog_ocds_summary", ["package_id"])


def downgrade():
    op.drop_index("ogpcatalog_ocds_summary_package_id_idx", table_name="ogpcatalog_ocds_summary")
    op.drop_table("ogpcatalog_ocds_summary")
