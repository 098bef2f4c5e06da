"""Datasets copied from another portal (``ckanapi dump datasets`` then ``ckanapi load
datasets``, or any client that posts another portal's ``package_show``): what only made sense
on the portal they came from is not written here.

- Harvest attribution (``harvest_object_id``, ``harvest_source_id``, ``harvest_source_title``
  and any other ``harvest_*`` key or extra) names a harvest source and object of the other
  portal: when this portal has no such source or object, the keys are dropped, so the copy is
  a dataset published here, not one "harvested" by a source that never harvested it.
- An uploaded resource (``url_type: upload``) whose URL is the download address of another
  portal has no file here: it is kept as a link to that address (``url_type`` emptied), which
  downloads from the source portal. ``ckanapi load --upload-resources`` then uploads the file
  (``resource_patch``), and the resource is an upload of this portal again.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

HARVEST_PREFIX = "harvest_"


def _extras(data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    extras = data_dict.get("extras")
    return [extra for extra in extras if isinstance(extra, dict)] if isinstance(extras, list) else []


def _harvest_value(data_dict: dict[str, Any], key: str) -> str | None:
    value = data_dict.get(key)
    if not value:
        value = next((extra.get("value") for extra in _extras(data_dict) if extra.get("key") == key), None)
    return str(value) if value else None


def _harvest_record_exists(source_id: str | None, object_id: str | None) -> bool:
    try:
        from ckanext.harvest.model import HarvestObject, HarvestSource
    except ImportError:  # pragma: no cover - ckanext-harvest is a dependency
        return False
    if source_id and HarvestSource.get(source_id) is None:
        return False
    if object_id and HarvestObject.get(object_id) is None:
        return False
    return True


def strip_foreign_harvest_attribution(data_dict: dict[str, Any]) -> dict[str, Any]:
    """``data_dict`` without its ``harvest_*`` keys and extras when the harvest source or
    object they name does not exist on this portal; unchanged otherwise."""
    source_id = _harvest_value(data_dict, "harvest_source_id")
    object_id = _harvest_value(data_dict, "harvest_object_id")
    if not source_id and not object_id:
        return data_dict
    if _harvest_record_exists(source_id, object_id):
        return data_dict
    cleaned = {key: value for key, value in data_dict.items() if not key.startswith(HARVEST_PREFIX)}
    if isinstance(data_dict.get("extras"), list):
        cleaned["extras"] = [extra for extra in data_dict["extras"]
                             if not (isinstance(extra, dict)
                                     and str(extra.get("key", "")).startswith(HARVEST_PREFIX))]
    return cleaned


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def foreign_uploads_as_links(data_dict: dict[str, Any]) -> dict[str, Any]:
    """Uploaded resources whose URL points at another site become links to that URL."""
    resources = data_dict.get("resources")
    if not isinstance(resources, list):
        return data_dict
    here = _origin(tk.config.get("ckan.site_url") or "")
    changed = []
    for resource in resources:
        if (isinstance(resource, dict) and resource.get("url_type") == "upload"
                and isinstance(resource.get("url"), str)
                and _origin(resource["url"])[0] in ("http", "https")
                and _origin(resource["url"]) != here):
            resource = {**resource, "url_type": ""}
        changed.append(resource)
    return {**data_dict, "resources": changed}


def refuse_copied_harvest_source(data_dict: dict[str, Any]) -> None:
    """A new dataset of type ``harvest`` that carries a source's ``status`` is another portal's
    harvest source (``ckanapi dump datasets --all`` includes them): copying it would make this
    portal harvest that catalogue again, under a source whose jobs and objects stayed there.
    Harvest sources are registered here with ``harvest_source_create`` or the harvest pages."""
    if data_dict.get("type") != "harvest" or "status" not in data_dict:
        return
    raise tk.ValidationError({"type": [tk._(
        "A harvest source copied from another portal is not loaded: register it with "
        "harvest_source_create or the harvest pages if this portal must harvest it")]})
