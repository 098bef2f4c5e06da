"""The catalogue in the open formats other portals and search engines read
(docs/open-formats.md):

- ``/catalog/data.json`` (and ``/data.json``, where Argentine harvesters look): data.json in
  Argentina's metadata profile;
- ``/catalog/dcat-us.json``: data.json in DCAT-US 1.1 (Project Open Data);
- ``/sitemap.xml`` (index) and ``/sitemap-<n>.xml``: the dataset pages, for search engines.

``?lang=es|en`` chooses the language of the data.json values (else the page's: ``/en/catalog/
data.json`` is English; the portal's default language at the root). Every answer is streamed, page by page of public datasets
(dcat/public_datasets.py); the schema.org JSON-LD of each dataset page is in its template
(helpers.ogpcatalog_schema_org).
"""
from __future__ import annotations

from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, stream_with_context

from ckanext.ogpcatalog.dcat import datajson_output, public_datasets, sitemap
from ckanext.ogpcatalog.language import LANGUAGES, default_language, request_language

__all__ = ["blueprint"]

blueprint = Blueprint("ogpcatalog_feeds", __name__)

JSON = "application/json; charset=utf-8"
XML = "application/xml; charset=utf-8"


def _streamed(chunks: Iterator[str], mimetype: str) -> Response:
    return Response(stream_with_context(chunks), content_type=mimetype)


def _language() -> str:
    chosen = (tk.request.args.get("lang") or "").strip().lower()
    if chosen and chosen not in LANGUAGES:
        return tk.abort(400, tk._("Unknown language {language}: use one of {choices}").format(
            language=chosen[:10], choices=", ".join(LANGUAGES)))
    return chosen or request_language() or default_language()


def _datajson(flavour: str) -> Response:
    language = _language()
    return _streamed(datajson_output.stream_catalog(
        flavour, public_datasets.iter_datasets(), language), JSON)


@blueprint.route("/catalog/data.json")
def datajson_argentina() -> Response:
    """The catalogue as data.json in Argentina's metadata profile."""
    return _datajson("argentina")


@blueprint.route("/data.json")
def datajson_root() -> Response:
    """``/data.json``: where Argentine portals (and pydatajson) look for a node's catalogue."""
    return _datajson("argentina")


@blueprint.route("/catalog/dcat-us.json")
def datajson_dcat_us() -> Response:
    """The catalogue as data.json in DCAT-US 1.1 (Project Open Data)."""
    return _datajson("dcat-us")


@blueprint.route("/sitemap.xml")
def sitemap_index() -> Response:
    """The sitemap index: one sitemap file per ``sitemap_urls_per_file`` datasets."""
    return _streamed(sitemap.stream_index(sitemap.file_count(public_datasets.count())), XML)


@blueprint.route("/sitemap-<int:number>.xml")
def sitemap_file(number: int) -> Any:
    """Sitemap file ``number`` (from 1): the dataset pages it lists, with their last change."""
    files = sitemap.file_count(public_datasets.count())
    if number < 1 or number > files:
        return tk.abort(404, tk._("There is no sitemap file {number}: the sitemap has {files}.")
                        .format(number=number, files=files))
    size = sitemap.urls_per_file()
    datasets = public_datasets.iter_datasets(start=(number - 1) * size, limit=size,
                                             fields=sitemap.FIELDS)
    return _streamed(sitemap.stream_urls(datasets), XML)
