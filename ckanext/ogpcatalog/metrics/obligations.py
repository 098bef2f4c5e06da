"""The obligations registry: what institutions must publish, and how often.

An obligation (table ``ogpcatalog_obligation``)::

    code: lotaip-19-a              # [a-z0-9._-]
    title: {es: ..., en: ...}      # es required
    description: {es: ..., en: ...}
    legal_basis: LOTAIP art. 19 a)
    frequency: MONTHLY             # code of codelists/frequency.yaml, or empty
    applies_to: {institution_type: [...], sector: [...], government_level: [...],
                 institutions: [names]}
    match: {dataset_type: procurement, theme: [...], tags: [...]}

Loaded from YAML (``obligations: [...]``) or CSV (one row per obligation, list cells
separated by ``;``), all or nothing. Matching and status are SQL (:mod:`.sql`).
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any

import sqlalchemy as sa
import yaml

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.metrics.filters import DATASET_TYPES, as_list
from ckanext.ogpcatalog.metrics.model import obligation_table

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
APPLIES_TO_CODELISTS = {"institution_type": "institution-type", "sector": "sector",
                        "government_level": "government-level"}
FIELDS = ("title", "description", "legal_basis", "frequency", "applies_to", "match")
CSV_COLUMNS = ("code", "title_es", "title_en", "description_es", "description_en",
               "legal_basis", "frequency", "institution_type", "sector", "government_level",
               "institutions", "dataset_type", "theme", "tags")


def _bilingual(value: Any, field: str, errors: dict[str, list[str]], required: bool
               ) -> dict[str, str]:
    if isinstance(value, str):
        value = {"es": value}
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors[field] = [tk._("Expected a dict of languages (es, en)")]
        return {}
    unknown = [k for k in value if k not in ("es", "en")]
    if unknown:
        errors[field] = [tk._("Unknown language: {languages}").format(
            languages=", ".join(map(str, unknown)))]
    clean = {k: str(v).strip() for k, v in value.items()
             if k in ("es", "en") and v is not None and str(v).strip()}
    if required and not clean.get("es"):
        errors.setdefault(field, []).append(tk._("Missing value in Spanish (es)"))
    return clean


def _codes(value: Any, codelist: str | None, field: str, errors: dict[str, list[str]],
           allowed: tuple[str, ...] = ()) -> list[str]:
    items = as_list(value)
    if codelist:
        known = codelists.get(codelist)
        unknown = [c for c in items if c not in known]
    elif allowed:
        unknown = [c for c in items if c not in allowed]
    else:
        unknown = []
    if unknown:
        errors[field] = [tk._("Unknown code: {codes}").format(codes=", ".join(unknown))]
    return items


def validate(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """A clean obligation from ``data``; with ``partial``, only the fields given.

    :raises tk.ValidationError: naming each bad field (``applies_to.sector``...).
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    code = str(data.get("code") or "").strip()
    if not code:
        errors["code"] = [tk._("Missing value")]
    elif not CODE_PATTERN.match(code):
        errors["code"] = [tk._("Use lowercase letters, digits, '.', '-' and '_' "
                               "(at most 100 characters)")]
    clean["code"] = code

    def given(key: str) -> bool:
        return not partial or key in data

    if given("title"):
        clean["title"] = _bilingual(data.get("title"), "title", errors, required=True)
    if given("description"):
        clean["description"] = _bilingual(data.get("description"), "description", errors,
                                          required=False)
    if given("legal_basis"):
        clean["legal_basis"] = str(data.get("legal_basis") or "").strip()
    if given("frequency"):
        frequency = str(data.get("frequency") or "").strip()
        if frequency and frequency not in codelists.get("frequency"):
            errors["frequency"] = [tk._("Unknown code: {codes}").format(codes=frequency)]
        clean["frequency"] = frequency
    if given("applies_to"):
        applies = data.get("applies_to") or {}
        if not isinstance(applies, dict):
            errors["applies_to"] = [tk._("Expected a dict")]
            applies = {}
        unknown = set(applies) - {*APPLIES_TO_CODELISTS, "institutions"}
        if unknown:
            errors["applies_to"] = [tk._("Unknown key: {keys}").format(
                keys=", ".join(sorted(map(str, unknown))))]
        clean["applies_to"] = {
            key: _codes(applies.get(key), codelist, f"applies_to.{key}", errors)
            for key, codelist in APPLIES_TO_CODELISTS.items()}
        clean["applies_to"]["institutions"] = as_list(applies.get("institutions"))
    if given("match"):
        match = data.get("match") or {}
        if not isinstance(match, dict):
            errors["match"] = [tk._("Expected a dict")]
            match = {}
        unknown = set(match) - {"dataset_type", "theme", "tags"}
        if unknown:
            errors["match"] = [tk._("Unknown key: {keys}").format(
                keys=", ".join(sorted(map(str, unknown))))]
        types = _codes(match.get("dataset_type"), None, "match.dataset_type", errors,
                       allowed=DATASET_TYPES)
        if len(types) > 1:
            errors["match.dataset_type"] = [tk._("Only one dataset type")]
        clean["match"] = {"dataset_type": types[0] if types else None,
                          "theme": _codes(match.get("theme"), "eu-data-theme", "match.theme",
                                          errors),
                          "tags": as_list(match.get("tags"))}
    if errors:
        raise tk.ValidationError(errors)
    return clean


def _as_dict(row: Any) -> dict[str, Any]:
    item = dict(row._mapping)
    for key in ("created", "modified"):
        item[key] = item[key].isoformat() if item[key] else None
    item["match"] = {"dataset_type": None, "theme": [], "tags": [], **(item["match"] or {})}
    item["applies_to"] = {"institution_type": [], "sector": [], "government_level": [],
                          "institutions": [], **(item["applies_to"] or {})}
    return item


def list_obligations(limit: int | None = None, offset: int = 0) -> dict[str, Any]:
    count = model.Session.execute(sa.select(sa.func.count()).select_from(obligation_table)
                                  ).scalar()
    query = sa.select(obligation_table).order_by(obligation_table.c.code).offset(offset)
    if limit:
        query = query.limit(limit)
    return {"count": count, "results": [_as_dict(r) for r in model.Session.execute(query)]}


def get(code: str) -> dict[str, Any]:
    row = model.Session.execute(sa.select(obligation_table).where(
        obligation_table.c.code == code)).first()
    if row is None:
        raise tk.ObjectNotFound(tk._("Obligation not found: {code}").format(code=code))
    return _as_dict(row)


def _exists(code: str) -> bool:
    return model.Session.execute(sa.select(obligation_table.c.code).where(
        obligation_table.c.code == code)).first() is not None


def _insert(clean: dict[str, Any], now: datetime.datetime) -> None:
    model.Session.execute(obligation_table.insert().values(
        code=clean["code"], title=clean["title"], description=clean.get("description") or {},
        legal_basis=clean.get("legal_basis") or "", frequency=clean.get("frequency") or "",
        applies_to=clean.get("applies_to") or {}, match=clean.get("match") or {},
        created=now, modified=now))


def _update(clean: dict[str, Any], now: datetime.datetime) -> None:
    values = {k: v for k, v in clean.items() if k in FIELDS}
    model.Session.execute(obligation_table.update().where(
        obligation_table.c.code == clean["code"]).values(**values, modified=now))


def create(data: dict[str, Any]) -> dict[str, Any]:
    clean = validate(data)
    if _exists(clean["code"]):
        raise tk.ValidationError({"code": [tk._("An obligation with this code already exists")]})
    _insert(clean, _now())
    model.Session.commit()
    return get(clean["code"])


def update(data: dict[str, Any]) -> dict[str, Any]:
    clean = validate(data, partial=True)
    get(clean["code"])
    _update(clean, _now())
    model.Session.commit()
    return get(clean["code"])


def delete(code: str) -> dict[str, Any]:
    get(code)
    model.Session.execute(obligation_table.delete().where(obligation_table.c.code == code))
    model.Session.commit()
    return {"code": code, "deleted": True}


def parse_text(text: str, fmt: str | None = None) -> list[dict[str, Any]]:
    """Obligation dicts from YAML or CSV text (format guessed when not given).

    :raises tk.ValidationError: on ``data`` (unreadable) or ``format``.
    """
    if fmt not in (None, "", "yaml", "csv"):
        raise tk.ValidationError({"format": [tk._("Use yaml or csv")]})
    if not fmt:
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        fmt = "csv" if first.replace(" ", "").startswith("code,") else "yaml"
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in ("code", "title_es") if c not in (reader.fieldnames or [])]
        if missing:
            raise tk.ValidationError({"data": [tk._("Missing CSV columns: {columns}").format(
                columns=", ".join(missing))]})
        entries = []
        for row in reader:
            cell = {k: (v or "").strip() for k, v in row.items() if k}
            split = lambda key: [v.strip() for v in cell.get(key, "").split(";") if v.strip()]  # noqa: E731
            entries.append({
                "code": cell.get("code"),
                "title": {"es": cell.get("title_es", ""), "en": cell.get("title_en", "")},
                "description": {"es": cell.get("description_es", ""),
                                "en": cell.get("description_en", "")},
                "legal_basis": cell.get("legal_basis", ""),
                "frequency": cell.get("frequency", ""),
                "applies_to": {"institution_type": split("institution_type"),
                               "sector": split("sector"),
                               "government_level": split("government_level"),
                               "institutions": split("institutions")},
                "match": {"dataset_type": cell.get("dataset_type") or None,
                          "theme": split("theme"), "tags": split("tags")},
            })
        return entries
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise tk.ValidationError({"data": [tk._("Not valid YAML: {error}").format(
            error=str(error).splitlines()[0])]})
    entries = data.get("obligations") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise tk.ValidationError({"data": [tk._(
            "Expected a list of obligations under the key 'obligations'")]})
    return entries


def import_obligations(text: str, fmt: str | None = None, replace: bool = False
                       ) -> dict[str, int]:
    """Create or update every obligation of the file in one transaction (all or nothing)."""
    entries = parse_text(text, fmt)
    cleaned, errors = [], {}
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        try:
            clean = validate(entry)
        except tk.ValidationError as error:
            label = str(entry.get("code") or position)
            for field, messages in error.error_dict.items():
                errors[f"{label}: {field}"] = messages
            continue
        if clean["code"] in seen:
            errors[clean["code"]] = [tk._("Code given twice")]
        seen.add(clean["code"])
        cleaned.append(clean)
    if errors:
        raise tk.ValidationError(errors)
    now = _now()
    counts = {"created": 0, "updated": 0, "deleted": 0, "total": len(cleaned)}
    try:
        for clean in cleaned:
            if _exists(clean["code"]):
                _update(clean, now)
                counts["updated"] += 1
            else:
                _insert(clean, now)
                counts["created"] += 1
        if replace:
            result = model.Session.execute(obligation_table.delete().where(
                obligation_table.c.code.notin_(list(seen) or [""])))
            counts["deleted"] = result.rowcount
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return counts


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
