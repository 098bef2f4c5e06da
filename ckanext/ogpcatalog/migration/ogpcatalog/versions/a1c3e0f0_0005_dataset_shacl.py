"""Publisher metrics: per dataset, the last SHACL run of its RDF against the DCAT-AP shapes,
the source of the 30 "DCAT-AP compliance" points of the quality score (issue 20,
metrics/quality.py).

Revision ID: a1c3e0f00005
Revises: a1c3e0f00004
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "a1c3e0f00005"
down_revision = "a1c3e0f00004"
branch_labels = None
depends_on = None

TABLE = "ogpcatalog_dataset_shacl"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        # the package's metadata_modified the shapes were run on: another one, and the
        # result no longer counts
        sa.Column("metadata_modified", sa.DateTime),
        sa.Column("conforms", sa.Boolean, nullable=False),
        sa.Column("violations", sa.Integer, nullable=False),
        # digest of the shapes graph the run used
        sa.Column("shapes", sa.UnicodeText, nullable=False),
        sa.Column("checked", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("package_id", name="ogpcatalog_dataset_shacl_pkey"),
    )


def downgrade():
    op.drop_table(TABLE)
