"""Alembic environment of the ogpcatalog plugin: its own version table, CKAN's database."""
from ckanext.ogpcatalog.migration.environment import run

run(__file__)
