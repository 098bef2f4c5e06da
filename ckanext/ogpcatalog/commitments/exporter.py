"""Exporting commitments in the shape of OGP's commitments sheet (the columns the importer
reads), as CSV for spreadsheets (UTF-8 with BOM, formula-safe cells) or as JSON."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.commitments import sheet
from ckanext.ogpcatalog.fields import bilingual

FORMATS = ("csv", "json")


def public_commitments(context: dict[str, Any], action_plan: str | None = None) -> Iterator[dict[str, Any]]:
    """The public, active commitments (of one action plan), by OGP identifier."""
    fq = "+dataset_type:commitment"
    if action_plan:
        fq += f' +action_plan:"{action_plan}"'
    found: list[dict[str, Any]] = []
    start, rows = 0, 500
    while True:
        result = tk.get_action("package_search")(dict(context), {
            "fq": fq, "rows": rows, "start": start, "sort": "name asc",
            "include_private": False, "include_drafts": False})
        found += [pkg for pkg in result["results"] if not pkg.get("private")]
        start += rows
        if start >= result["count"] or not result["results"]:
            break
    yield from sorted(found, key=lambda pkg: (pkg.get("ogp_id") or "", pkg["name"]))


class _Plans:
    def __init__(self, context: dict[str, Any]):
        self.context = context
        self.cache: dict[str, dict[str, Any]] = {}

    def get(self, name: str | None) -> dict[str, Any]:
        if not name:
            return {}
        if name not in self.cache:
            try:
                self.cache[name] = tk.get_action("group_show")(dict(self.context), {
                    "id": name, "include_datasets": False, "include_users": False,
                    "include_groups": False, "include_followers": False,
                    "include_dataset_count": False})
            except (tk.ObjectNotFound, tk.NotAuthorized):
                self.cache[name] = {}
        return self.cache[name]


def _text(value: Any, language: str) -> str:
    return bilingual.pick(value, language)[0] if value else ""


def sheet_values(pkg: dict[str, Any], plan: dict[str, Any], language: str) -> dict[str, Any]:
    """A commitment as the values of one row of the sheet (``sheet.row_cells`` input)."""
    lead = _text(pkg.get("lead_institution_name"), language)
    if not lead and pkg.get("lead_institution"):
        lead = pkg["lead_institution"]
    return {
        "ogp_id": pkg.get("ogp_id") or "",
        "country": plan.get("country_or_locality") or "",
        "plan_number": str(plan.get("plan_number") or ""),
        "submission_year": str(plan.get("period_start") or "")[:4],
        "end_year": str(plan.get("period_end") or "")[:4],
        "start_date": str(pkg.get("start_date") or "")[:10],
        "end_date": str(pkg.get("end_date") or "")[:10],
        "theme": [tag["name"] for tag in pkg.get("tags") or []],
        "title": _text(pkg.get("title_translated"), language) or pkg.get("title") or "",
        "short_title": _text(pkg.get("short_title"), language),
        "full_text": _text(pkg.get("notes_translated"), language),
        "lead_institution": lead,
        "supporting_institutions": [item.get("name") for item in pkg.get("supporting_institutions") or []
                                    if item.get("name")],
        "ogp_values": pkg.get("ogp_values") or [],
        "policy_areas": pkg.get("policy_areas") or [],
        **{field: pkg.get(field) or "" for field in sheet.IRM_FIELDS},
    }


def rows(context: dict[str, Any], action_plan: str | None, language: str) -> list[dict[str, str]]:
    """Header -> cell text, one dict per commitment."""
    plans = _Plans(context)
    return [sheet.row_cells(sheet_values(pkg, plans.get(pkg.get("action_plan")), language))
            for pkg in public_commitments(context, action_plan)]


def to_csv(cells: list[dict[str, str]]) -> str:
    """CSV text with a BOM (spreadsheets then read UTF-8), every cell formula-safe."""
    out = io.StringIO()
    headers = [header for _key, header in sheet.columns()]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in cells:
        writer.writerow([sheet.safe_cell(row.get(header, "")) for header in headers])
    return "\ufeff" + out.getvalue()


def to_json(cells: list[dict[str, str]]) -> str:
    return json.dumps(cells, ensure_ascii=False, indent=1)
