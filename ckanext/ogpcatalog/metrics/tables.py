"""The metrics as the dashboard's pages and exports show them: labels in the visitor's
language, headline figures, and tables (a list of :class:`Column` and a list of flat rows,
which export.py encodes as CSV, JSON or XLSX).

The pages (views/metrics.py) and the exports (export.py) build their tables here from the
metrics actions' answers. The one function that needs more answers than it is given,
:func:`timeseries_table`, gets them through ``call``: the caller decides how an action runs
(as the visitor, cached, its refusals as error pages).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.language import current_language
from ckanext.ogpcatalog.metrics.filters import DATASET_TYPES
from ckanext.ogpcatalog.metrics.sql import DIMENSIONS, RATINGS


@dataclass(frozen=True)
class Column:
    """A column of a table: the key of its value in each row, and its header (translated)."""
    key: str
    header: str


# Runs a metrics action with a data dict and returns its answer.
Call = Callable[[str, dict[str, Any]], Any]

# The indicators drawn over time on the dashboard (metrics_timeseries_show).
TIMESERIES_PORTAL = ("datasets_public", "publishing_institutions")
TIMESERIES_INSTITUTION = ("datasets_public", "resources")


# --- labels in the visitor's language -------------------------------------------------------

def text(value: Any) -> str:
    """A ``{"es", "en"}`` label (or plain text) in the visitor's language."""
    if isinstance(value, dict):
        return bilingual.pick(value, current_language())[0] or ""
    return "" if value is None else str(value)


def dataset_type_label(code: str) -> str:
    return {"dataset": tk._("Datasets"), "procurement": tk._("Public procurement"),
            "commitment": tk._("Commitments")}.get(code, code)


def harvest_status_label(code: str | None) -> str:
    """A harvest job's status (ckanext-harvest stores it in English) in the visitor's language."""
    return {"New": tk._("New"), "Running": tk._("Running"), "Finished": tk._("Finished"),
            "Aborted": tk._("Aborted")}.get(code or "", code or "")


def rating_label(code: str) -> str:
    return {"excellent": tk._("Excellent"), "good": tk._("Good"), "sufficient": tk._("Sufficient"),
            "bad": tk._("Bad")}.get(code, code)


def dimension_label(code: str) -> str:
    return {"findability": tk._("Findability"), "accessibility": tk._("Accessibility"),
            "interoperability": tk._("Interoperability"), "reusability": tk._("Reusability"),
            "contextuality": tk._("Contextuality")}.get(code, code)


def status_label(code: str) -> str:
    return {"met": tk._("Met"), "missing": tk._("Missing"), "overdue": tk._("Not up to date")}.get(code, code)


def indicator_label(code: str) -> str:
    return {"datasets": tk._("Datasets (all)"), "datasets_public": tk._("Public datasets"),
            "datasets_private": tk._("Private datasets"),
            "datasets_harvested": tk._("Harvested datasets"), "resources": tk._("Resources"),
            "open_format_share": tk._("Share of resources in open formats"),
            "machine_readable_share": tk._("Share of machine-readable resources"),
            "publishing_institutions": tk._("Publishing institutions"),
            "up_to_date_share": tk._("Share of datasets up to date"),
            "overdue_datasets": tk._("Overdue datasets"),
            "quality_average": tk._("Average quality score"),
            "compliance_percent": tk._("Compliance with obligations (%)")}.get(code, code)


def codelist_label(name: str, code: str | None) -> str:
    """A code's label in the visitor's language (empty without a code)."""
    if not code:
        return ""
    return codelists.label(name, code, current_language())


def filter_options() -> list[dict[str, Any]]:
    """The filter form's fields: name, label and choices (code, label)."""
    def codes(name: str) -> list[tuple[str, str]]:
        return [(c.code, c.label.get(current_language()) or c.code) for c in codelists.get(name).codes]

    return [
        {"name": "institution_type", "label": tk._("Institution type"), "choices": codes("institution-type")},
        {"name": "sector", "label": tk._("Sector"), "choices": codes("sector")},
        {"name": "government_level", "label": tk._("Level of government"),
         "choices": codes("government-level")},
        {"name": "dataset_type", "label": tk._("Dataset type"),
         "choices": [(t, dataset_type_label(t)) for t in DATASET_TYPES]},
        {"name": "theme", "label": tk._("Theme"), "choices": codes("eu-data-theme")},
    ]


# --- figures and tables as the pages and the exports show them ----------------------------

def percent(share: Any) -> float | None:
    """A share 0..1 as a percent rounded to one decimal (None stays None)."""
    if share is None:
        return None
    return round(float(share) * 100, 1)


def by_type_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The datasets of each type: label, public and private counts."""
    datasets = summary.get("datasets") or {}
    public, private = datasets.get("by_type") or {}, datasets.get("private_by_type") or {}
    return [{"label": dataset_type_label(t), "public": public.get(t, 0), "private": private.get(t, 0)}
            for t in DATASET_TYPES if t in public or t in private]


def summary_figures(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline figures: key, label, value, and unit ("%" or "")."""
    def get(*path: str) -> Any:
        value: Any = summary
        for key in path:
            value = (value or {}).get(key) if isinstance(value, dict) else None
        return value

    figures = [
        ("datasets_public", tk._("Public datasets"), get("datasets", "public"), ""),
        ("datasets_private", tk._("Private datasets"), get("datasets", "private"), ""),
        ("datasets_harvested", tk._("Harvested datasets"), get("datasets", "harvested"), ""),
        ("institutions_publishing", tk._("Publishing institutions"), get("institutions", "publishing"), ""),
        ("institutions_total", tk._("Institutions"), get("institutions", "total"), ""),
        ("publishing_share", tk._("Share of institutions that publish"),
         percent(get("institutions", "publishing_share")), "%"),
        ("up_to_date_share", tk._("Datasets up to date"), percent(get("freshness", "up_to_date_share")), "%"),
        ("overdue", tk._("Overdue datasets"), get("freshness", "overdue"), ""),
        ("quality_average_percent", tk._("Average quality"), get("quality", "average_percent"), "%"),
        ("compliance_percent", tk._("Compliance with obligations"), get("obligations", "compliance_percent"), "%"),
        ("open_format_share", tk._("Resources in open formats"),
         percent(get("resources", "open_format_share")), "%"),
        ("commitments_with_evidence", tk._("Commitments with evidence"), get("commitments", "with_evidence"), ""),
        ("commitments_without_evidence", tk._("Commitments without evidence"),
         get("commitments", "without_evidence"), ""),
    ]
    return [{"key": k, "label": label, "value": v, "unit": unit} for k, label, v, unit in figures]


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure of the summary as (indicator, value) rows, for the export."""
    rows = [{"indicator": f["label"], "value": f["value"]} for f in summary_figures(summary)]
    datasets = summary.get("datasets") or {}
    for key, label in (("total", tk._("Datasets (all)")), ("manual", tk._("Datasets entered by hand"))):
        rows.append({"indicator": label, "value": datasets.get(key)})
    for code, count in (datasets.get("by_type") or {}).items():
        rows.append({"indicator": tk._("Datasets of type: {type}").format(type=dataset_type_label(code)),
                     "value": count})
    for code, count in (summary.get("publishing_by_type") or {}).items():
        rows.append({"indicator": tk._("Institutions publishing: {type}").format(type=dataset_type_label(code)),
                     "value": count})
    for code, count in (summary.get("publishing_by_theme") or {}).items():
        rows.append({"indicator": tk._("Institutions publishing on theme: {theme}").format(
            theme=codelist_label("eu-data-theme", code)), "value": count})
    resources = summary.get("resources") or {}
    rows.append({"indicator": tk._("Resources"), "value": resources.get("total")})
    rows.append({"indicator": tk._("Machine-readable resources (%)"),
                 "value": percent(resources.get("machine_readable_share"))})
    for entry in summary.get("formats") or []:
        rows.append({"indicator": tk._("Resources in format: {format}").format(
            format=entry.get("format") or tk._("(none)")), "value": entry.get("resources")})
    quality = summary.get("quality") or {}
    rows.append({"indicator": tk._("Average quality score"), "value": quality.get("average")})
    for code in RATINGS:
        rows.append({"indicator": tk._("Datasets rated: {rating}").format(rating=rating_label(code)),
                     "value": (quality.get("distribution") or {}).get(code)})
    for code in DIMENSIONS:
        rows.append({"indicator": tk._("Average points in: {dimension}").format(dimension=dimension_label(code)),
                     "value": (quality.get("dimensions") or {}).get(code)})
    obligations = summary.get("obligations") or {}
    for key, label in (("applicable", tk._("Applicable obligations")), ("met", tk._("Obligations met")),
                       ("missing", tk._("Obligations missing")), ("overdue", tk._("Obligations overdue"))):
        rows.append({"indicator": label, "value": obligations.get(key)})
    return rows


def institution_columns() -> list[Column]:
    return [
        Column("rank", tk._("Rank")), Column("name", tk._("Name")), Column("title", tk._("Institution")),
        Column("institution_type_label", tk._("Institution type")), Column("sector_label", tk._("Sector")),
        Column("government_level_label", tk._("Level of government")),
        Column("datasets", tk._("Datasets (all)")), Column("public", tk._("Public datasets")),
        Column("private", tk._("Private datasets")), Column("harvested", tk._("Harvested datasets")),
        Column("resources", tk._("Resources")),
        Column("up_to_date_percent", tk._("Up to date (%)")), Column("overdue", tk._("Overdue datasets")),
        Column("quality_average", tk._("Average quality score")),
        Column("obligations_applicable", tk._("Applicable obligations")),
        Column("obligations_met", tk._("Obligations met")),
        Column("obligations_missing", tk._("Obligations missing")),
        Column("obligations_overdue", tk._("Obligations overdue")),
        Column("compliance_percent", tk._("Compliance (%)")),
    ]


def institution_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row,
            "institution_type_label": codelist_label("institution-type", row.get("institution_type")),
            "sector_label": codelist_label("sector", row.get("sector")),
            "government_level_label": codelist_label("government-level", row.get("government_level")),
            "up_to_date_percent": percent(row.get("up_to_date_share"))}


def compliance_columns() -> list[Column]:
    return [Column("rank", tk._("Rank")), Column("name", tk._("Name")), Column("title", tk._("Institution")),
            Column("institution_type_label", tk._("Institution type")),
            Column("applicable", tk._("Applicable obligations")), Column("met", tk._("Obligations met")),
            Column("missing", tk._("Obligations missing")), Column("overdue", tk._("Obligations overdue")),
            Column("compliance_percent", tk._("Compliance (%)"))]


def compliance_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "institution_type_label": codelist_label("institution-type", row.get("institution_type"))}


def matrix_table(matrix: dict[str, Any]) -> tuple[list[Column], list[dict[str, Any]]]:
    """The coverage matrix as columns (institution, total, one per code) and flat rows."""
    by = matrix.get("by")
    codes = [c.get("code") for c in matrix.get("columns") or []]
    columns = [Column("name", tk._("Name")), Column("title", tk._("Institution")),
               Column("total", tk._("Total"))]
    for entry in matrix.get("columns") or []:
        label = dataset_type_label(entry["code"]) if by == "dataset_type" else text(entry.get("label"))
        columns.append(Column(f"cell:{entry['code']}", label or entry["code"]))
    rows = []
    for row in matrix.get("rows") or []:
        cells = row.get("cells") or {}
        rows.append({"name": row.get("name"), "title": row.get("title"), "total": row.get("total"),
                     **{f"cell:{code}": int(cells.get(code) or 0) for code in codes}})
    return columns, rows


def heat_class(value: Any, maximum: int) -> str:
    """The CSS class of a heat-map cell: steps 1-7 of the largest cell shown; none when 0."""
    if not value:
        return "ogp-heat-none"
    if maximum <= 0:
        return "ogp-heat-0"
    return f"ogp-heat-{min(7, max(1, math.ceil(7 * value / maximum)))}"


def overdue_columns() -> list[Column]:
    return [Column("name", tk._("Name")), Column("title", tk._("Dataset")), Column("type_label", tk._("Type")),
            Column("institution_name", tk._("Institution")), Column("frequency_label", tk._("Update frequency")),
            Column("last_modified", tk._("Last change")), Column("due", tk._("Due")),
            Column("days_overdue", tk._("Days overdue"))]


def overdue_row(row: dict[str, Any]) -> dict[str, Any]:
    institution = row.get("institution") or {}
    return {**row, "type_label": dataset_type_label(row.get("type") or ""),
            "institution_name": institution.get("name"), "institution_title": institution.get("title"),
            "frequency_label": codelist_label("frequency", row.get("frequency")),
            "title": text(row.get("title"))}


def quality_columns() -> list[Column]:
    return ([Column("name", tk._("Name")), Column("title", tk._("Dataset")), Column("type_label", tk._("Type")),
             Column("institution_name", tk._("Institution")), Column("score", tk._("Score")),
             Column("percent", tk._("Score (%)")), Column("rating_label", tk._("Rating"))]
            + [Column(f"dimension:{code}", dimension_label(code)) for code in DIMENSIONS])


def quality_row(row: dict[str, Any]) -> dict[str, Any]:
    institution = row.get("institution") or {}
    dimensions = row.get("dimensions") or {}
    return {**row, "type_label": dataset_type_label(row.get("type") or ""),
            "institution_name": institution.get("name"), "title": text(row.get("title")),
            "rating_label": rating_label(row.get("rating") or ""),
            **{f"dimension:{code}": dimensions.get(code) for code in DIMENSIONS}}


def obligation_columns() -> list[Column]:
    return [Column("code", tk._("Code")), Column("title_text", tk._("Obligation")),
            Column("frequency_label", tk._("Update frequency")), Column("status_label", tk._("Status")),
            Column("datasets", tk._("Datasets")), Column("last_modified", tk._("Last change")),
            Column("due", tk._("Due"))]


def obligation_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "title_text": text(row.get("title")),
            "frequency_label": codelist_label("frequency", row.get("frequency")),
            "status_label": status_label(row.get("status") or "")}


def timeseries_table(call: Call, indicators: Iterable[str], institution: str | None,
                     filters: dict[str, list[str]] | None = None
                     ) -> tuple[list[Column], list[dict[str, Any]]]:
    """One row per date, one column per indicator (metrics_timeseries_show, by month), of the
    portal or of one institution; with ``filters`` (the dashboard's, but the institution), the
    history of the datasets they select."""
    indicators = list(indicators)
    by_date: dict[str, dict[str, Any]] = {}
    scope = {key: ",".join(values) for key, values in (filters or {}).items()
             if key != "institution" and values}
    for indicator in indicators:
        data: dict[str, Any] = {"indicator": indicator, "interval": "month", **scope}
        if institution:
            data["institution"] = institution
        for point in call("ogpcatalog_metrics_timeseries_show", data).get("points") or []:
            by_date.setdefault(point["date"], {"date": point["date"]})[indicator] = point.get("value")
    columns = [Column("date", tk._("Date"))] + [Column(i, indicator_label(i)) for i in indicators]
    rows = [by_date[d] for d in sorted(by_date)]
    for row in rows:
        for indicator in indicators:
            value = row.get(indicator)
            if isinstance(value, float) and value.is_integer() and not indicator.endswith(("share", "percent", "average")):
                row[indicator] = int(value)
    return columns, rows
