"""Observed vs declared: what the OCDS files of a procurement dataset say about the fields the
editor fills in, the mismatches to show and the values to suggest (never applied silently)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ckanext.ogpcatalog.ocds import model

STAGES = ("planning", "tender", "award", "contract", "implementation")
METHODS = ("open", "selective", "limited", "direct")
CATEGORIES = ("goods", "works", "services")
PACKAGE_TYPES = {"release_package": "release-package", "record_package": "record-package",
                 "compiled_release": "compiled"}
# The fields, in the order of the form.
FIELDS = ("stages", "procurement_methods", "main_categories", "period_start", "period_end",
          "process_count", "currencies", "total_values", "ocds_version", "ocds_package_type",
          "ocid_prefixes")
TOTALS_TOLERANCE = Decimal("0.01")


def analysed(summaries: dict[str, dict[str, Any]],
             statuses: tuple[str, ...] = (model.VALID, model.INVALID)) -> list[dict[str, Any]]:
    return [row["summary"] for row in summaries.values()
            if row["status"] in statuses and row.get("summary")]


def observed_values(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """Each field's value according to the files (absent when the files say nothing)."""
    if not summaries:
        return {}
    found: dict[str, Any] = {}
    union = lambda key: {v for s in summaries for v in s.get(key) or []}  # noqa: E731
    stages = union("stages")
    if stages:
        found["stages"] = [s for s in STAGES if s in stages]
    methods = union("methods")
    if methods & set(METHODS):
        found["procurement_methods"] = [m for m in METHODS if m in methods]
    categories = union("categories")
    if categories & set(CATEGORIES):
        found["main_categories"] = [c for c in CATEGORIES if c in categories]
    starts = [s["date_start"] for s in summaries if s.get("date_start")]
    ends = [s["date_end"] for s in summaries if s.get("date_end")]
    if starts:
        found["period_start"] = min(starts)
    if ends:
        found["period_end"] = max(ends)
    ocids = sum(s.get("ocids") or 0 for s in summaries)
    if ocids:
        found["process_count"] = ocids
    totals: dict[str, Decimal] = {}
    for s in summaries:
        # Contracted amounts when the file has contracts, else awarded amounts.
        for total in s.get("contract_totals") or s.get("award_totals") or []:
            try:
                totals[total["currency"]] = totals.get(total["currency"], Decimal(0)) + Decimal(total["amount"])
            except (InvalidOperation, KeyError, TypeError):
                continue
    if totals:
        found["total_values"] = [{"currency": c, "amount": _plain(totals[c])} for c in sorted(totals)]
        found["currencies"] = sorted(totals)
    versions = {v for s in summaries for v in s.get("declared_versions") or []}
    if versions == {"1.1"}:
        found["ocds_version"] = "1.1"
    kinds = {s.get("kind") for s in summaries}
    if len(kinds) == 1 and (kind := kinds.pop()) in PACKAGE_TYPES:
        found["ocds_package_type"] = PACKAGE_TYPES[kind]
    prefixes = {p.lower() for p in union("ocid_prefixes")}
    if prefixes:
        found["ocid_prefixes"] = sorted(prefixes)
    return found


def _plain(amount: Decimal) -> str:
    text = format(amount.normalize(), "f")
    return text


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def _differs(field: str, declared: Any, observed: Any) -> bool:
    if field in ("stages", "procurement_methods", "main_categories", "currencies", "ocid_prefixes"):
        return set(_as_list(declared)) != set(_as_list(observed))
    if field == "period_start":
        return str(declared)[:10] > observed
    if field == "period_end":
        return str(declared)[:10] < observed
    if field == "process_count":
        try:
            return int(declared) != int(observed)
        except (TypeError, ValueError):
            return True
    if field == "total_values":
        mine = {}
        for row in declared or []:
            try:
                mine[str(row.get("currency", "")).upper()] = Decimal(str(row.get("amount")))
            except (InvalidOperation, AttributeError):
                return True
        theirs = {row["currency"]: Decimal(row["amount"]) for row in observed}
        if set(mine) != set(theirs):
            return True
        return any(abs(mine[c] - theirs[c]) > TOTALS_TOLERANCE * max(abs(theirs[c]), Decimal(1))
                   for c in theirs)
    return str(declared) != str(observed)


def compare(pkg: dict[str, Any], summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per field the files say something about: declared, observed, whether they
    disagree (``mismatch``, only when both are given) and whether to suggest the observed value.

    Values are suggested only from files that follow the schema: a value read only from files
    with errors (a date "2151-08-16") is shown as a mismatch marked ``doubtful``, never offered
    to copy into the dataset."""
    valid = observed_values(analysed(summaries, (model.VALID,)))
    every = observed_values(analysed(summaries))
    rows = []
    for field in FIELDS:
        doubtful = field not in valid
        observed = every.get(field) if doubtful else valid[field]
        if observed is None:
            continue
        declared = pkg.get(field)
        empty = declared in (None, "", [], {})
        mismatch = not empty and _differs(field, declared, observed)
        rows.append({"field": field, "declared": None if empty else declared,
                     "observed": observed, "mismatch": mismatch,
                     "suggested": (empty or mismatch) and not doubtful, "doubtful": doubtful})
    return rows
