"""Parameters of the metrics reads: filters, paging and sorting, as the queries take them.

The actions' parameters are checked by their schemas (``logic/schema.py``, validators in
``logic/validators.py``); ``Filters.of`` and ``Paging.of`` read the validated data.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

DATASET_TYPES = ("dataset", "procurement", "commitment")

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

    @classmethod
    def of(cls, data: dict[str, Any]) -> "Filters":
        """The filters of validated data (lists of codes, institutions as ids)."""
        return cls(**{key: tuple(data.get(key) or ()) for key in FILTER_KEYS})


@dataclasses.dataclass(frozen=True)
class Paging:
    limit: int
    offset: int
    sort: str
    descending: bool

    @classmethod
    def of(cls, data: dict[str, Any]) -> "Paging":
        """The paging of validated data (``sort`` as ``(key, descending)``)."""
        sort, descending = data["sort"]
        return cls(data["limit"], data["offset"], sort, descending)


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
