"""Institutions and action plans named in the visitor's language.

CKAN's pages name an organization or group by its ``display_name`` (lists, headings,
breadcrumbs, page titles). The group and organization show/list actions are chained to make
that field follow the request's language when the object has a bilingual title; ``title``
itself stays the default-language text, as for datasets.
"""
from __future__ import annotations

from typing import Any

from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.language import request_language


def localize(group: Any, language: str | None) -> Any:
    """Set ``display_name`` of a group/organization dict from its bilingual title."""
    if not isinstance(group, dict) or not language:
        return group
    translated = group.get("title_translated")
    if translated is None:
        extras = {e.get("key"): e.get("value") for e in group.get("extras") or ()
                  if isinstance(e, dict)}
        translated = extras.get("title_translated")
    text = bilingual.pick(translated, language)[0] if translated else ""
    if text:
        group["display_name"] = text
    return group


def localize_all(result: Any) -> Any:
    language = request_language()
    if isinstance(result, list):
        for group in result:
            localize(group, language)
    else:
        localize(result, language)
    return result
