"""Project-wide fixtures. CKAN's pytest plugin (fixtures, factories, marks) loads from test.ini."""
from __future__ import annotations

import pytest

import ckan.plugins as p

# Plugins of the portal that own database tables (alembic migrations per plugin).
PLUGINS_WITH_MIGRATIONS = ("activity", "harvest", "ogpcatalog")


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's reset drops every table, ours included: re-apply each loaded plugin's migrations.

    The search index recreates its own schema on first use.
    """
    reset_db()
    for plugin in PLUGINS_WITH_MIGRATIONS:
        if p.plugin_loaded(plugin):
            migrate_db_for(plugin)
