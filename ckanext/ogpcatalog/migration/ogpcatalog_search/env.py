"""Alembic environment of the ogpcatalog_search plugin: its own version table, CKAN's database.

Besides ``ckan db upgrade -p ogpcatalog_search``, the search backend runs these migrations
itself when it finds its schema missing (``search/schema.py``: after a test's ``reset_db``, in
a portal that never ran the command): several processes may then migrate at once, hence the
lock.
"""
from ckanext.ogpcatalog.migration.environment import run

run(__file__, lock=0x0C9CA7A1)
