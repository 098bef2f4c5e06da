"""The sitemap of the public datasets (sitemaps.org 0.9), for search engines and Google Dataset
Search: an index (``/sitemap.xml``) naming one file per ``urls_per_file`` datasets
(``/sitemap-1.xml``...; at most 50,000 addresses per file, the protocol's limit, config
``ckanext.ogpcatalog.feeds.sitemap_urls_per_file``).

Each address is a dataset page of any type (``/<type>/<name>``) with ``lastmod`` = its
``metadata_modified`` and its versions in the portal's other languages (``xhtml:link
rel="alternate" hreflang``; the default language at the root, the others under ``/<lang>/``).
Only public, active datasets (:mod:`ckanext.ogpcatalog.dcat.public_datasets`).
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Iterator
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.dcat.public_datasets import w3c_datetime
from ckanext.ogpcatalog.language import default_language, offered_languages

__all__ = ["PROTOCOL_LIMIT", "urls_per_file", "file_count", "stream_index", "stream_urls",
           "FIELDS"]

PROTOCOL_LIMIT = 50000
FIELDS = ["name", "dataset_type", "metadata_modified"]  # index field names
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urls_per_file() -> int:
    """Addresses per sitemap file: the config key, within 1 and the protocol's 50,000."""
    wanted = tk.config.get("ckanext.ogpcatalog.feeds.sitemap_urls_per_file") or PROTOCOL_LIMIT
    return max(1, min(int(wanted), PROTOCOL_LIMIT))


def file_count(dataset_count: int) -> int:
    """How many sitemap files list ``dataset_count`` datasets (one, empty, on an empty portal)."""
    return max(1, math.ceil(dataset_count / urls_per_file()))


def _site_url() -> str:
    return (tk.config.get("ckan.site_url") or "").rstrip("/")


def stream_index(files: int) -> Iterator[str]:
    """The sitemap index naming ``files`` sitemap files."""
    site = _site_url()
    yield f"{_HEAD}<sitemapindex {_NS}>\n"
    for number in range(1, files + 1):
        yield f"  <sitemap><loc>{escape(f'{site}/sitemap-{number}.xml')}</loc></sitemap>\n"
    yield "</sitemapindex>\n"


def stream_urls(datasets: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A sitemap file listing ``datasets`` (dicts with name, dataset_type or type and
    metadata_modified)."""
    site = _site_url()
    default = default_language()
    others = [lang for lang in offered_languages() if lang != default]
    yield f'{_HEAD}<urlset {_NS}\n        xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    for pkg in datasets:
        dataset_type = pkg.get("dataset_type") or pkg.get("type") or "dataset"
        path = f"/{quote(dataset_type)}/{quote(pkg['name'])}"
        parts = [f"  <url><loc>{escape(site + path)}</loc>"]
        lastmod = w3c_datetime(pkg.get("metadata_modified"))
        if lastmod:
            parts.append(f"<lastmod>{lastmod}</lastmod>")
        if others:
            parts.append(f'\n    <xhtml:link rel="alternate" hreflang="{default}" '
                         f"href={quoteattr(site + path)}/>")
            for lang in others:
                parts.append(f'\n    <xhtml:link rel="alternate" hreflang="{lang}" '
                             f"href={quoteattr(f'{site}/{lang}{path}')}/>")
        parts.append("</url>\n")
        yield "".join(parts)
    yield "</urlset>\n"
