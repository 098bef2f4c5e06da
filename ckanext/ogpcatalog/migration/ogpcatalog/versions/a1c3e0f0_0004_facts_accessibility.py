"""Publisher metrics: the dataset facts keep the accessibility points and the quality score,
and each institution's fulfilment of its obligations is kept beside them (issue 6). The link
check marks the datasets it writes results for, so both stay current; the rows computed
before are recomputed on the next read (the facts' version changed), and the fulfilment table
with them.

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


def upgrade():
    for column in ("accessibility", "score"):
        op.add_column("ogpcatalog_dataset_facts",
                      sa.Column(column, sa.Float, nullable=False, server_default="0"))
    # per institution and obligation: the last change and names of its public datasets that
    # fulfil it (by match rule or marker tag); derived from the facts in their transaction
    op.create_table(
        "ogpcatalog_obligation_fulfilment",
        sa.Column("owner_org", sa.UnicodeText, nullable=False),
        sa.Column("code", sa.UnicodeText, nullable=False),
        sa.Column("last_change", sa.DateTime),
        sa.Column("datasets", postgresql.ARRAY(sa.UnicodeText), nullable=False),
        sa.PrimaryKeyConstraint("owner_org", "code",
                                name="ogpcatalog_obligation_fulfilment_pkey"),
    )


def downgrade():
    op.drop_table("ogpcatalog_obligation_fulfilment")
    for column in ("score", "accessibility"):
        op.drop_column("ogpcatalog_dataset_facts", column)
