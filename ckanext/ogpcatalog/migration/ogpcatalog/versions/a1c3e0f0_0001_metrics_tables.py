"""Publisher metrics tables: obligations and daily snapshots (issue 6).

Revision ID: a1c3e0f00001
Revises:
Create Date: 2026-11-22
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "a1c3e0f00001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # Filled in by the metrics work (ckanext/ogpcatalog/metrics/).
    pass


def downgrade():
    pass
