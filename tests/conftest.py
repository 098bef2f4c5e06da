"""Project-wide fixtures. CKAN's pytest plugin (fixtures, factories, marks) loads from test.ini."""
from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

import ckan.plugins as p

# Plugins of the portal that own database tables (alembic migrations per plugin).
PLUGINS_WITH_MIGRATIONS = ("activity", "harvest", "ogpcatalog", "ogpcatalog_search")


def module_portal(reset_db, migrate_db_for, build: Callable[[], Any]) -> Iterator[Any]:
    """Body of a module-scoped portal fixture: a clean database, the plugins of test.ini loaded
    for the whole module (CKAN's function-scoped ``with_plugins`` would reload them per test),
    their migrations applied, then ``build()``'s portal."""
    reset_db()
    p.load_all()
    try:
        for plugin in PLUGINS_WITH_MIGRATIONS:
            if p.plugin_loaded(plugin):
                migrate_db_for(plugin)
        yield build()
    finally:
        p.unload_all()


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's reset drops every table, ours included: re-apply each loaded plugin's migrations.

    The search index recreates its own schema on first use.
    """
    reset_db()
    for plugin in PLUGINS_WITH_MIGRATIONS:
        if p.plugin_loaded(plugin):
            migrate_db_for(plugin)
