"""Parameters of the metrics actions: filters, paging and sorting, validated with clear errors."""
from __future__ import annotations

import dataclasses
import datetime
from typing import Any, Iterable

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog import codelists

DATASET_TYPES = ("dataset", "procurement", "commitment")

# filter parameter -> codelist that holds its codes
CODELIST_FILTERS = {
    "institution_type": "institution-type",
    "sector": "sector",
    "government_level": "government-level",
    "theme": "eu-data-theme",
}
FILTER_KEYS = ("institution_type", "sector", "government_level", "institution", "dataset_type",
               "theme")
MAX_LIMIT = 1000
DEFAULT_LIMIT = 50


@dataclasses.dataclass(frozen=True)
class Filters:
    institution_type: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    government_level: tuple[str, ...] = ()
    institution: tuple[str, ...] = ()  # organization ids
    dataset_type: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {key: list(getattr(self, key)) for key in FILTER_KEYS if getattr(self, key)}


@dataclasses.dataclass(frozen=True)
class Paging:
    limit: int
    offset: int
    sort: str
    descending: bool


def as_list(value: Any) -> list[str]:
    """One value, a list, or a comma-separated string, as a list of non-empty strings."""
    if value is None or value is tk.missing or value == "":
        return []
    if isinstance(value, str):
        items: Iterable[Any] = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        items = [value]
    return [str(item).strip() for item in items if str(item).strip()]


def parse_filters(data_dict: dict[str, Any]) -> Filters:
    """The filters of ``data_dict``.

    :raises tk.ValidationError: an unknown code or institution, naming the parameter.
    """
    errors: dict[str, list[str]] = {}
    values: dict[str, tuple[str, ...]] = {}
    for key, codelist in CODELIST_FILTERS.items():
        codes = as_list(data_dict.get(key))
        known = codelists.get(codelist)
        unknown = [code for code in codes if code not in known]
        if unknown:
            errors[key] = [tk._("Unknown code: {codes}").format(codes=", ".join(unknown))]
        values[key] = tuple(codes)
    types = as_list(data_dict.get("dataset_type"))
    unknown = [name for name in types if name not in DATASET_TYPES]
    if unknown:
        errors["dataset_type"] = [tk._("Unknown dataset type: {types}").format(
            types=", ".join(unknown))]
    values["dataset_type"] = tuple(types)
    refs = as_list(data_dict.get("institution"))
    ids, missing = resolve_institutions(refs)
    if missing:
        errors["institution"] = [tk._("Institution not found: {names}").format(
            names=", ".join(missing))]
    values["institution"] = tuple(ids)
    if errors:
        raise tk.ValidationError(errors)
    return Filters(**values)


def resolve_institutions(refs: list[str]) -> tuple[list[str], list[str]]:
    """(ids of the active organizations named or identified in ``refs``, refs not found)."""
    if not refs:
        return [], []
    rows = model.Session.execute(sa.text(
        'SELECT id, name FROM "group" WHERE is_organization AND state = \'active\' '
        "AND (id = ANY(:refs) OR name = ANY(:refs))"), {"refs": refs}).all()
    found = {ref for row in rows for ref in (row.id, row.name)}
    return sorted({row.id for row in rows}), [ref for ref in refs if ref not in found]


def get_institution(ref: Any) -> dict[str, str]:
    """``{"id", "name", "title"}`` of an active institution.

    :raises tk.ObjectNotFound: no such institution.
    """
    ref = str(ref or "").strip()
    if not ref:
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    row = model.Session.execute(sa.text(
        'SELECT id, name, title FROM "group" WHERE is_organization AND state = \'active\' '
        "AND (id = :ref OR name = :ref)"), {"ref": ref}).first()
    if row is None:
        raise tk.ObjectNotFound(tk._("Institution not found: {names}").format(names=ref))
    return {"id": row.id, "name": row.name, "title": row.title}


def parse_paging(data_dict: dict[str, Any], sort_keys: Iterable[str], default_sort: str) -> Paging:
    """``limit``, ``offset`` and ``sort`` ("<key> asc|desc").

    :raises tk.ValidationError: a value out of range or an unknown sort key.
    """
    errors: dict[str, list[str]] = {}
    limit = _integer(data_dict.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit", errors)
    offset = _integer(data_dict.get("offset"), 0, 0, None, "offset", errors)
    sort_text = str(data_dict.get("sort") or default_sort).strip()
    parts = sort_text.split()
    keys = list(sort_keys)
    descending = False
    if not parts or len(parts) > 2 or parts[0] not in keys or (
            len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
        errors["sort"] = [tk._("Sort by one of: {keys} (followed by asc or desc)").format(
            keys=", ".join(keys))]
        sort = default_sort.split()[0]
    else:
        sort = parts[0]
        descending = len(parts) == 2 and parts[1].lower() == "desc"
    if errors:
        raise tk.ValidationError(errors)
    return Paging(limit, offset, sort, descending)


def _integer(value: Any, default: int, low: int, high: int | None, field: str,
             errors: dict[str, list[str]]) -> int:
    if value is None or value == "" or value is tk.missing:
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = [tk._("Must be a whole number")]
        return default
    if number < low or (high is not None and number > high):
        errors[field] = [tk._("Must be between {low} and {high}").format(
            low=low, high=high) if high is not None else tk._("Must be at least {low}").format(
            low=low)]
        return default
    return number


def parse_date(value: Any, field: str) -> datetime.date | None:
    """An optional ISO date (``YYYY-MM-DD``).

    :raises tk.ValidationError: not a date, naming the field.
    """
    if value is None or value == "" or value is tk.missing:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise tk.ValidationError({field: [tk._("Not a date (YYYY-MM-DD): {value}").format(
            value=value)]})
