"""One CKAN process, two engines: the embedded PostgreSQL backend and a real Apache Solr.

CKAN reaches its search engine only through ``make_connection()``, imported by name into
``ckan.lib.search.index`` (writes) and ``ckan.lib.search.query`` (reads). Indexing points
the first at a tee, so CKAN's own ``PackageSearchIndex.index_package`` (and the portal's
``before_dataset_index`` hook) builds each document once and both engines receive the same
document; each request then points the second at one engine, then at the other.
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

import ckan.lib.search as ckan_search
import ckan.lib.search.common as ckan_search_common
import ckan.lib.search.index as ckan_search_index
import ckan.lib.search.query as ckan_search_query
import ckan.model as model
from ckan.common import config

from ckanext.ogpcatalog.search import backend
from ckanext.ogpcatalog.search.connection import PostgresSolrConnection

ENGINES = ("embedded", "solr")


def solr_factory(url: str) -> Callable[..., Any]:
    """CKAN's own Solr connection (pysolr, CKAN's decoder and timeout) to ``url``."""
    ckan_make_connection = backend._ORIGINALS.get(
        "ckan.lib.search.common.make_connection", ckan_search_common.make_connection)

    def make(decode_dates: bool = True) -> Any:
        previous = config.get("solr_url")
        config["solr_url"] = url
        try:
            return ckan_make_connection(decode_dates=decode_dates)
        finally:
            config["solr_url"] = previous
    return make


def embedded_factory(decode_dates: bool = True) -> PostgresSolrConnection:
    return PostgresSolrConnection(decode_dates=decode_dates)


class Tee:
    """Writes go to both engines; Solr commits once, at the end of the rebuild."""

    url = "tee://embedded+solr"

    def __init__(self, solr: Any):
        self.embedded = PostgresSolrConnection()
        self.solr = solr

    def add(self, docs: Any, commit: bool = True, **kwargs: Any) -> None:
        docs = list(docs)
        self.embedded.add(docs, commit=commit)
        self.solr.add(docs, commit=False)

    def delete(self, *args: Any, **kwargs: Any) -> None:
        self.embedded.delete(*args, **kwargs)
        self.solr.delete(*args, **kwargs)

    def commit(self, **kwargs: Any) -> None:
        self.embedded.commit()
        self.solr.commit()


class Engines:
    def __init__(self, solr_url: str):
        self.solr_url = solr_url
        self.factories = {"embedded": embedded_factory, "solr": solr_factory(solr_url)}

    def clear(self) -> None:
        self.factories["solr"]().delete(q="*:*", commit=True)
        embedded_factory().delete(q="*:*")
        model.Session.commit()

    def index_all(self) -> int:
        """CKAN's own rebuild (package_show, index_package, the portal's hook) into both."""
        tee = Tee(self.factories["solr"]())
        original = ckan_search_index.make_connection
        ckan_search_index.make_connection = lambda *a, **k: tee
        try:
            ids = [row[0] for row in model.Session.query(model.Package.id).filter(
                model.Package.state != "deleted").order_by(model.Package.name)]
            ckan_search.rebuild(package_ids=ids, defer_commit=True, quiet=True)
            tee.commit()
        finally:
            ckan_search_index.make_connection = original
        return len(ids)

    @contextlib.contextmanager
    def use(self, engine: str) -> Iterator[None]:
        """``package_search`` (and every read) goes to ``engine`` inside the block."""
        original = ckan_search_query.make_connection
        ckan_search_query.make_connection = self.factories[engine]
        try:
            yield
        finally:
            ckan_search_query.make_connection = original
