"""Validators of the DCAT-AP 3 record links (issue 20): a dataset's series (``in_series``,
dcat:inSeries) and a data service's served datasets (``serves_dataset``, dcat:servesDataset).

Both take records of the portal, by name or id (stored as their names), or the http(s) IRIs
of records elsewhere (a harvested catalogue's series or datasets the portal does not hold).
A name the portal does not know, or a record of the wrong type, is refused by name.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

SERIES_TYPE = "dataset_series"
SERVICE_TYPE = "data_service"


def _refs(value: Any) -> list[str]:
    if value is tk.missing or value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        text = str(value).strip()
        items = [text]
        if text.startswith("["):
            try:
                loaded = json.loads(text)
                items = loaded if isinstance(loaded, list) else [loaded]
            except ValueError:
                items = [text]
        elif "," in text and "://" not in text:
            items = text.split(",")
    if any(isinstance(item, (dict, list)) for item in items):
        raise tk.Invalid(tk._("Expected names of records or web addresses"))
    return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


def _is_iri(ref: str) -> bool:
    return ref.lower().startswith(("http://", "https://")) and " " not in ref


def _resolve(refs: list[str], context: Any, wanted_type: str | None,
             excluded_type: str | None) -> list[str]:
    model = context["model"]
    found, unknown = [], []
    for ref in refs:
        if _is_iri(ref):
            found.append(ref)
            continue
        package = model.Package.get(ref)
        if package is None or package.state == "deleted" \
                or (wanted_type and package.type != wanted_type) \
                or (excluded_type and package.type == excluded_type):
            unknown.append(ref)
        elif package.name not in found:
            found.append(package.name)
    if unknown:
        if wanted_type == SERIES_TYPE:
            message = tk._("Dataset series not found: {names}")
        else:
            message = tk._("Dataset not found: {names}")
        raise tk.Invalid(message.format(names=", ".join(unknown)))
    return found


def ogpcatalog_series_refs(value: Any, context: Any) -> Any:
    """The series a dataset belongs to: ``dataset_series`` records of the portal (name or id,
    stored as the name) or IRIs of series elsewhere."""
    refs = _refs(value)
    if not refs:
        return tk.missing
    return _resolve(refs, context, SERIES_TYPE, None)


def ogpcatalog_served_datasets(value: Any, context: Any) -> Any:
    """The datasets a data service serves: datasets of the portal (any type but series and
    services; name or id, stored as the name) or IRIs of datasets elsewhere."""
    refs = _refs(value)
    if not refs:
        return tk.missing
    found = _resolve(refs, context, None, SERVICE_TYPE)
    return found
