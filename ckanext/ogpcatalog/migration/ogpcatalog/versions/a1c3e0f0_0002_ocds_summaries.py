"""OCDS validation summaries of procurement resources (issue 7).

Revision ID: a1c3e0f00002
Revises: a1c3e0f00001
Create Date: 2026-11-22
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "a1c3e0f00002"
down_revision = "a1c3e0f00001"
branch_labels = None
depends_on = None


def upgrade():
    # Filled in by the OCDS work (ckanext/ogpcatalog/ocds/).
    pass


def downgrade():
    pass
