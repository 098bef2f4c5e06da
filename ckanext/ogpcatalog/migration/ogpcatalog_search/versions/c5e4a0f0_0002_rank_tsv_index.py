"""A GIN index on ``rank_tsv``, the boosted words (name, title; tags, groups, organization).

Relevance pages of a one-word search rank only the rows whose boosted words hold the word
(``sql.relevance_candidates``): this index finds them without reading every match. Written
as every revision of this plugin is (see revision 0001): it creates the index only if it is
missing. On a large index the creation blocks writes to the table while it runs (about a
second per 10,000 datasets).

Revision ID: c5e4a0f00002
Revises: c5e4a0f00001
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

revision = "c5e4a0f00002"
down_revision = "c5e4a0f00001"
branch_labels = None
depends_on = None

INDEX_TABLE = "ogpcatalog_search_index"
INDEX = f"{INDEX_TABLE}_rank_tsv_idx"


def upgrade():
    missing = op.get_bind().execute(sa.text(f"SELECT to_regclass('{INDEX}') IS NULL")).scalar()
    if missing:
        op.execute(f"CREATE INDEX {INDEX} ON {INDEX_TABLE} USING gin (rank_tsv) WITH (fastupdate = off)")


def downgrade():
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
