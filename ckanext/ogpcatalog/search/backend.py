"""Install the PostgreSQL search engine under CKAN's search layer.

CKAN reaches Solr only through ``make_connection()`` (imported by name into
``ckan.lib.search.common``, ``.index`` and ``.query``) and checks it at start-up with
``ckan.lib.search.check_solr_schema_version``. Pointing those names at this package is all
it takes; CKAN's indexing and query code stays as it is.
"""
from __future__ import annotations

import logging

import ckan.lib.search as ckan_search
import ckan.lib.search.common as ckan_search_common
import ckan.lib.search.index as ckan_search_index
import ckan.lib.search.query as ckan_search_query
from sqlalchemy import exc

from .connection import PostgresSolrConnection, ensure_schema

log = logging.getLogger(__name__)

_ORIGINALS: dict[str, object] = {}
_TARGETS = (
    (ckan_search, "make_connection"),
    (ckan_search_common, "make_connection"),
    (ckan_search_index, "make_connection"),
    (ckan_search_query, "make_connection"),
    (ckan_search, "check_solr_schema_version"),
)


def make_connection(decode_dates: bool = True) -> PostgresSolrConnection:
    return PostgresSolrConnection(decode_dates=decode_dates)


def check_schema(schema_file: str | None = None) -> bool:
    """Start-up check: create the index schema if the database lacks it.

    At CKAN's start-up this runs before the database engine exists; the schema is then
    created on first use instead.
    """
    import ckan.model as model
    if schema_file is not None:
        # Version parsing of a given schema.xml needs no Solr: keep CKAN's own check.
        return _ORIGINALS["ckan.lib.search.check_solr_schema_version"](schema_file)
    if model.meta.engine is None:
        return True
    try:
        ensure_schema()
    except exc.SQLAlchemyError as error:
        log.warning("PostgreSQL search index not ready yet: %s", error)
        return False
    return True


def install() -> None:
    if is_installed():
        return
    for module, name in _TARGETS:
        _ORIGINALS[f"{module.__name__}.{name}"] = getattr(module, name)
    for module, name in _TARGETS:
        setattr(module, name, check_schema if name == "check_solr_schema_version" else make_connection)
    log.info("Search: PostgreSQL backend installed")


def uninstall() -> None:
    for module, name in _TARGETS:
        original = _ORIGINALS.pop(f"{module.__name__}.{name}", None)
        if original is not None:
            setattr(module, name, original)


def is_installed() -> bool:
    return ckan_search_query.make_connection is make_connection
