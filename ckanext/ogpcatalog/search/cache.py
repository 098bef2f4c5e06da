"""A per-process cache of counts and facets, valid while the index has not changed.

Counting and faceting a large result set (the empty query of the home page and /dataset)
costs far more than fetching one page of it. Every transaction that changes the index
writes a new random token in ``ogpcatalog_search_state`` right before it commits, so the
token and the rows it describes become visible together. A reader reads the token first,
in its own snapshot, and reuses a summary computed under the same token; any commit since
makes the token differ and the entry unreachable. No token (empty or just-reset index)
means no caching.
"""
from __future__ import annotations

import collections
import threading
from typing import Any

import sqlalchemy as sa

from ckan.common import config

from . import schema


class FacetCache:
    def __init__(self) -> None:
        self._entries: collections.OrderedDict[tuple[str, str], Any] = collections.OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def read_state(connection) -> tuple[str | None, bool]:
        """(change token, whether the index must be rebuilt before it can answer)."""
        row = connection.execute(sa.text(
            f"SELECT token, rebuild_required FROM {schema.STATE_TABLE} WHERE id = 1")).first()
        return (row[0], bool(row[1])) if row else (None, False)

    @staticmethod
    def _size() -> int:
        # Explicit default: the backend may outlive its plugin's declarations (tests unload it).
        return int(config.get("ckanext.ogpcatalog.search.facet_cache_size", 512) or 0)

    def get(self, token: str | None, statement: str) -> Any:
        """The summary of ``statement`` (its SQL and parameters, as one string) under ``token``."""
        if token is None or self._size() <= 0:
            return None
        key = (token, statement)
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, token: str | None, statement: str, value: Any) -> None:
        size = self._size()
        if token is None or size <= 0:
            return
        with self._lock:
            self._entries[(token, statement)] = value
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


facet_cache = FacetCache()
