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


# -- --search-backend=solr: the tests marked `search` on the project's Apache Solr ----------
def pytest_addoption(parser):
    parser.addoption("--search-backend", choices=("embedded", "solr"), default="embedded",
                     help="solr: run only the tests marked `search`, on the project's Solr node "
                          "(scripts/solr.sh start-node, SOLR_PORT), without ogpcatalog_search")


def pytest_configure(config):
    config.addinivalue_line("markers", "search: depends on search behaviour; runs on both backends "
                                       "(make test-solr: --search-backend=solr)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--search-backend") != "solr":
        return
    deselected = [item for item in items if item.get_closest_marker("search") is None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.get_closest_marker("search") is not None]


@pytest.fixture(scope="session")
def solr_node_for_tests() -> Iterator[str]:
    """The project's Solr node; started here (and stopped at the end) if it does not answer."""
    from tests.search.test_solr_node import NODE_URL, _answers, _not_built, _solr_sh
    if _not_built():
        pytest.fail(_not_built() or "", pytrace=False)
    already = _answers(NODE_URL)
    if not already:
        _solr_sh("start-node")
    yield NODE_URL
    if not already:
        _solr_sh("stop-node")


@pytest.fixture(autouse=True)
def _search_backend(request) -> Iterator[None]:
    """With --search-backend=solr, a `search` test runs on CKAN's own Solr connection: the
    plugin list without ogpcatalog_search, ``solr_url`` at the node, the site's documents
    deleted first (CKAN's clean_db empties only the database)."""
    if request.config.getoption("--search-backend") != "solr" or not request.node.get_closest_marker("search"):
        yield
        return
    from ckan.common import config
    from ckanext.ogpcatalog.search import backend
    url = request.getfixturevalue("solr_node_for_tests")
    monkeypatch = request.getfixturevalue("monkeypatch")
    for module, name in backend._TARGETS:
        original = backend._ORIGINALS.get(f"{module.__name__}.{name}")
        if original is not None:
            monkeypatch.setattr(module, name, original)
    plugins = config.get("ckan.plugins") or []
    names = plugins.split() if isinstance(plugins, str) else list(plugins)
    monkeypatch.setitem(config, "ckan.plugins", [name for name in names if name != "ogpcatalog_search"])
    monkeypatch.setitem(config, "solr_url", url)
    import ckan.lib.search as search
    search.clear_all()
    yield
    assert not backend.is_installed(), "the test ran on the embedded backend, not on Solr"
