"""The public datasets of the portal, page by page: what the open formats (sitemap, data.json
in Argentina's and DCAT-US profiles) list.

Only what an anonymous visitor finds: public (not private), active (no drafts, nothing
deleted), every dataset type but harvest sources. Read through ``package_search`` as an
anonymous user, ``page_size`` datasets per request (config
``ckanext.ogpcatalog.feeds.page_size``, capped by CKAN's ``ckan.search.rows_max``), so that a
large catalogue is streamed and never held in memory at once.
"""
from __future__ import annotations

from typing import Any, Iterator

import ckan.plugins.toolkit as tk

__all__ = ["PUBLIC_FILTER", "page_size", "count", "iter_datasets", "w3c_datetime"]

# Harvest sources are datasets of type "harvest": never part of the catalogue.
PUBLIC_FILTER = "-dataset_type:harvest"
DEFAULT_PAGE_SIZE = 500


def page_size() -> int:
    """Datasets per search request: the config key, within 1 and ``ckan.search.rows_max``."""
    wanted = tk.config.get("ckanext.ogpcatalog.feeds.page_size") or DEFAULT_PAGE_SIZE
    rows_max = tk.config.get("ckan.search.rows_max") or 1000
    return max(1, min(int(wanted), int(rows_max)))


def _anonymous() -> dict[str, Any]:
    # Outputs of public data: never the visitor's own private or draft datasets.
    return {"user": "", "ignore_auth": False}


def _search(**params: Any) -> dict[str, Any]:
    return tk.get_action("package_search")(_anonymous(), {
        "fq": PUBLIC_FILTER, "include_private": False, "include_drafts": False, **params})


def count() -> int:
    """How many public datasets the outputs list."""
    return int(_search(rows=0)["count"])


def iter_datasets(start: int = 0, limit: int | None = None,
                  fields: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """The public datasets from position ``start`` (by name), at most ``limit`` of them.

    :param fields: only these fields of each dataset (``fl``: cheaper, e.g. for the sitemap);
        every field of its type when None
    """
    rows = page_size()
    position = start
    end = start + limit if limit is not None else None
    while end is None or position < end:
        wanted = rows if end is None else min(rows, end - position)
        params: dict[str, Any] = {"rows": wanted, "start": position, "sort": "name asc"}
        if fields:
            params["fl"] = list(fields)
        results = _search(**params).get("results") or []
        yield from results
        if len(results) < wanted:
            return
        position += len(results)


def w3c_datetime(value: Any) -> str | None:
    """A date as given (``2024-05-01``), or a CKAN timestamp (UTC, without zone:
    ``metadata_modified``) as a W3C/RFC 3339 date-time with its zone, to the second."""
    text = str(value or "").strip()
    if not text:
        return None
    if len(text) == 10:
        return text
    text = text.split(".")[0].replace(" ", "T")
    return text if text.endswith("Z") or "+" in text[10:] else f"{text}Z"
