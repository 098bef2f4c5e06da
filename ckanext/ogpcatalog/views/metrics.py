"""Pages of the publisher metrics (issue 6): the publishers dashboard and its exports.

``/publishers``                       the portal-wide dashboard (figures, charts, tables)
``/publishers/<institution>``         one institution: gaps, overdue and low-quality datasets,
                                      harvest health
``/publishers/export/<table>.<fmt>``  every table as CSV, JSON or XLSX, with the page's filters

Every figure comes from the metrics actions (metrics/API.md); NotAuthorized, ObjectNotFound
and ValidationError become 403, 404 and 400 pages. metrics/export.py encodes the exports.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
import math
from typing import Any, Callable, Iterable

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.metrics import export
from ckanext.ogpcatalog.metrics.export import Column

__all__ = ["metrics"]

log = logging.getLogger(__name__)

metrics = Blueprint("ogpcatalog_metrics", __name__, url_prefix="/publishers")

FILTERS = ("institution_type", "sector", "government_level", "dataset_type", "theme", "institution")
DATASET_TYPES = ("dataset", "procurement", "commitment")
MATRIX_DIMENSIONS = ("dataset_type", "theme")
# The indicators drawn over time on the dashboard (metrics_timeseries_show).
TIMESERIES_PORTAL = ("datasets_public", "publishing_institutions")
TIMESERIES_INSTITUTION = ("datasets_public", "resources")
PAGE_SIZE = 25
RANKING_SIZE = 20
MATRIX_SIZE = 25
EXPORT_PAGE = 1000
EXPORT_MAX_ROWS = 100_000
RATINGS = ("excellent", "good", "sufficient", "bad")
QUALITY_DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")


# --- labels in the visitor's language -------------------------------------------------------

def _language() -> str:
    return bilingual.current_language()


def _text(value: Any) -> str:
    """A ``{"es", "en"}`` label (or plain text) in the visitor's language."""
    if isinstance(value, dict):
        return bilingual.pick(value, _language())[0] or ""
    return "" if value is None else str(value)


def dataset_type_label(code: str) -> str:
    return {"dataset": tk._("Datasets"), "procurement": tk._("Public procurement"),
            "commitment": tk._("Commitments")}.get(code, code)


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


def _codelist_label(name: str, code: str | None) -> str:
    if not code:
        return ""
    return codelists.label(name, code, _language())


def filter_options() -> list[dict[str, Any]]:
    """The filter form's fields: name, label and choices (code, label)."""
    def codes(name: str) -> list[tuple[str, str]]:
        return [(c.code, c.label.get(_language()) or c.code) for c in codelists.get(name).codes]

    return [
        {"name": "institution_type", "label": tk._("Institution type"), "choices": codes("institution-type")},
        {"name": "sector", "label": tk._("Sector"), "choices": codes("sector")},
        {"name": "government_level", "label": tk._("Level of government"),
         "choices": codes("government-level")},
        {"name": "dataset_type", "label": tk._("Dataset type"),
         "choices": [(t, dataset_type_label(t)) for t in DATASET_TYPES]},
        {"name": "theme", "label": tk._("Theme"), "choices": codes("eu-data-theme")},
    ]


# --- calling the actions --------------------------------------------------------------------

def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _errors_text(error: tk.ValidationError) -> str:
    parts = []
    for field, messages in (error.error_dict or {}).items():
        if isinstance(messages, (list, tuple)):
            messages = "; ".join(str(m) for m in messages)
        parts.append(f"{field}: {messages}")
    return " ".join(parts) or str(error)


CACHE_PREFIX = "ogpcatalog:metrics:dashboard:"


def run_action(action: str, data: dict[str, Any]) -> Any:
    """The action's answer for the visitor. A portal-wide read (no ``institution``, no ``id``)
    reuses a recent answer for ``dashboard_cache_seconds``; an institution's figures are
    always computed afresh (its editors come back to see their fixes).

    The visitor's access is checked on every request; only answers are reused (they are the
    same for every visitor who may read them: private datasets are never named). Without
    Redis, or with the setting at 0, the action runs every time.
    """
    context = _context()
    seconds = tk.config.get("ckanext.ogpcatalog.metrics.dashboard_cache_seconds") or 0
    if seconds <= 0 or data.get("institution") or data.get("id"):
        return tk.get_action(action)(context, dict(data))
    tk.check_access(action, dict(context), dict(data))
    # One Redis may serve several portals (or a portal and its tests): the key names the
    # site and its database too.
    # Institutions' titles come in the request's language: so does the key.
    scope = [tk.config.get("ckan.site_id"), tk.config.get("sqlalchemy.url"), _language(), action, data]
    key = CACHE_PREFIX + hashlib.sha256(
        json.dumps(scope, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    try:
        from ckan.lib.redis import connect_to_redis
        redis = connect_to_redis()
        cached = redis.get(key)
    except Exception:  # noqa: BLE001 - no cache is slower, never wrong
        log.warning("Publishers dashboard: Redis unavailable, answers are not cached", exc_info=True)
        return tk.get_action(action)(context, dict(data))
    if cached is not None:
        return json.loads(cached)
    answer = tk.get_action(action)(context, dict(data))
    try:
        redis.setex(key, int(seconds), json.dumps(answer, default=str))
    except Exception:  # noqa: BLE001
        log.warning("Publishers dashboard: could not cache an answer", exc_info=True)
    return answer


def call(action: str, data: dict[str, Any]) -> Any:
    """Run an action as the visitor (:func:`run_action`); its refusals become 403/404/400 pages."""
    try:
        return run_action(action, data)
    except tk.NotAuthorized:
        tk.abort(403, tk._("You are not allowed to see these publisher metrics."))
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Institution not found"))
    except tk.ValidationError as error:
        tk.abort(400, _errors_text(error))


def request_filters(args=None) -> dict[str, list[str]]:
    """The filters of the query string: each a list of codes (repeated or comma-separated)."""
    args = tk.request.args if args is None else args
    found: dict[str, list[str]] = {}
    for name in FILTERS:
        values = [v.strip() for raw in args.getlist(name) for v in raw.split(",") if v.strip()]
        if values:
            found[name] = values
    return found


def _int_arg(name: str, default: int = 1, minimum: int = 1) -> int:
    raw = tk.request.args.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        tk.abort(400, tk._("{field}: must be a whole number").format(field=name))
    if value < minimum:
        tk.abort(400, tk._("{field}: must be at least {minimum}").format(field=name, minimum=minimum))
    return value


def _choice_arg(name: str, allowed: Iterable[str], default: str) -> str:
    value = tk.request.args.get(name) or default
    if value not in allowed:
        tk.abort(400, tk._("{field}: must be one of {choices}").format(
            field=name, choices=", ".join(allowed)))
    return value


def _all_results(action: str, data: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every row of a paged list action (in pages of EXPORT_PAGE), and its last answer."""
    rows: list[dict[str, Any]] = []
    answer: dict[str, Any] = {}
    offset = 0
    while offset < EXPORT_MAX_ROWS:
        answer = call(action, {**data, "limit": EXPORT_PAGE, "offset": offset})
        page = answer.get("results") or []
        rows.extend(page)
        offset += len(page)
        if not page or offset >= int(answer.get("count") or 0):
            break
    return rows, answer


# --- figures and tables as the pages and the exports show them ----------------------------

def percent(share: Any) -> float | None:
    """A share 0..1 as a percent rounded to one decimal (None stays None)."""
    if share is None:
        return None
    return round(float(share) * 100, 1)


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
        ("publishing_share", tk._("Institutions that publish"),
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
            theme=_codelist_label("eu-data-theme", code)), "value": count})
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
    for code in QUALITY_DIMENSIONS:
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
            "institution_type_label": _codelist_label("institution-type", row.get("institution_type")),
            "sector_label": _codelist_label("sector", row.get("sector")),
            "government_level_label": _codelist_label("government-level", row.get("government_level")),
            "up_to_date_percent": percent(row.get("up_to_date_share"))}


def compliance_columns() -> list[Column]:
    return [Column("rank", tk._("Rank")), Column("name", tk._("Name")), Column("title", tk._("Institution")),
            Column("institution_type_label", tk._("Institution type")),
            Column("applicable", tk._("Applicable obligations")), Column("met", tk._("Obligations met")),
            Column("missing", tk._("Obligations missing")), Column("overdue", tk._("Obligations overdue")),
            Column("compliance_percent", tk._("Compliance (%)"))]


def compliance_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "institution_type_label": _codelist_label("institution-type", row.get("institution_type"))}


def matrix_table(matrix: dict[str, Any]) -> tuple[list[Column], list[dict[str, Any]]]:
    """The coverage matrix as columns (institution, total, one per code) and flat rows."""
    by = matrix.get("by")
    codes = [c.get("code") for c in matrix.get("columns") or []]
    columns = [Column("name", tk._("Name")), Column("title", tk._("Institution")),
               Column("total", tk._("Total"))]
    for entry in matrix.get("columns") or []:
        label = dataset_type_label(entry["code"]) if by == "dataset_type" else _text(entry.get("label"))
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
            "frequency_label": _codelist_label("frequency", row.get("frequency")),
            "title": _text(row.get("title"))}


def quality_columns() -> list[Column]:
    return ([Column("name", tk._("Name")), Column("title", tk._("Dataset")), Column("type_label", tk._("Type")),
             Column("institution_name", tk._("Institution")), Column("score", tk._("Score")),
             Column("percent", tk._("Score (%)")), Column("rating_label", tk._("Rating"))]
            + [Column(f"dimension:{code}", dimension_label(code)) for code in QUALITY_DIMENSIONS])


def quality_row(row: dict[str, Any]) -> dict[str, Any]:
    institution = row.get("institution") or {}
    dimensions = row.get("dimensions") or {}
    return {**row, "type_label": dataset_type_label(row.get("type") or ""),
            "institution_name": institution.get("name"), "title": _text(row.get("title")),
            "rating_label": rating_label(row.get("rating") or ""),
            **{f"dimension:{code}": dimensions.get(code) for code in QUALITY_DIMENSIONS}}


def obligation_columns() -> list[Column]:
    return [Column("code", tk._("Code")), Column("title_text", tk._("Obligation")),
            Column("frequency_label", tk._("Update frequency")), Column("status_label", tk._("Status")),
            Column("datasets", tk._("Datasets")), Column("last_modified", tk._("Last change")),
            Column("due", tk._("Due"))]


def obligation_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "title_text": _text(row.get("title")),
            "frequency_label": _codelist_label("frequency", row.get("frequency")),
            "status_label": status_label(row.get("status") or "")}


def timeseries_table(indicators: Iterable[str], institution: str | None) -> tuple[list[Column], list[dict]]:
    """One row per date, one column per indicator (metrics_timeseries_show, by month)."""
    indicators = list(indicators)
    by_date: dict[str, dict[str, Any]] = {}
    for indicator in indicators:
        data: dict[str, Any] = {"indicator": indicator, "interval": "month"}
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


# --- the export tables ---------------------------------------------------------------------

def _export_summary(filters):
    summary = call("ogpcatalog_metrics_summary_show", filters)
    return [Column("indicator", tk._("Indicator")), Column("value", tk._("Value"))], summary_rows(summary)


def _export_institutions(filters):
    rows, _answer = _all_results("ogpcatalog_institution_metrics_list", {**filters, "sort": "rank asc"})
    return institution_columns(), [institution_row(r) for r in rows]


def _export_coverage(filters):
    by = _choice_arg("by", MATRIX_DIMENSIONS, "dataset_type")
    rows: list[dict[str, Any]] = []
    columns: list[Column] = []
    offset = 0
    while offset < EXPORT_MAX_ROWS:
        matrix = call("ogpcatalog_coverage_matrix_show",
                      {**filters, "by": by, "limit": EXPORT_PAGE, "offset": offset})
        columns, page = matrix_table(matrix)
        rows.extend(page)
        offset += len(page)
        if not page or offset >= int(matrix.get("count") or 0):
            break
    return columns, rows


def _export_overdue(filters):
    rows, _answer = _all_results("ogpcatalog_overdue_dataset_list", filters)
    return overdue_columns(), [overdue_row(r) for r in rows]


def _export_quality(filters):
    data = dict(filters)
    if tk.request.args.get("rating"):
        data["rating"] = _choice_arg("rating", RATINGS, "")
    rows, _answer = _all_results("ogpcatalog_dataset_quality_list", data)
    return quality_columns(), [quality_row(r) for r in rows]


def _export_compliance(filters):
    rows, _answer = _all_results("ogpcatalog_compliance_list", filters)
    return compliance_columns(), [compliance_row(r) for r in rows]


def _single_institution(filters) -> str | None:
    institutions = filters.get("institution") or []
    if len(institutions) > 1:
        tk.abort(400, tk._("institution: give at most one institution"))
    return institutions[0] if institutions else None


def _export_timeseries(filters):
    institution = _single_institution(filters)
    wanted = [i.strip() for raw in tk.request.args.getlist("indicator") for i in raw.split(",") if i.strip()]
    indicators = wanted or list(TIMESERIES_INSTITUTION if institution else TIMESERIES_PORTAL)
    return timeseries_table(indicators, institution)


def _export_obligations(filters):
    institution = _single_institution(filters)
    if not institution:
        tk.abort(400, tk._("institution: required for this table"))
    shown = call("ogpcatalog_institution_metrics_show", {"id": institution})
    return obligation_columns(), [obligation_row(r) for r in shown.get("obligations") or []]


EXPORTS: dict[str, tuple[Callable[[dict], tuple[list[Column], list[dict]]], Callable[[], str]]] = {
    "summary": (_export_summary, lambda: tk._("Summary")),
    "institutions": (_export_institutions, lambda: tk._("Institutions")),
    "coverage": (_export_coverage, lambda: tk._("Coverage")),
    "overdue": (_export_overdue, lambda: tk._("Overdue datasets")),
    "quality": (_export_quality, lambda: tk._("Quality")),
    "compliance": (_export_compliance, lambda: tk._("Compliance ranking")),
    "timeseries": (_export_timeseries, lambda: tk._("Over time")),
    "obligations": (_export_obligations, lambda: tk._("Obligations")),
}


def export_links(table: str, filters: dict[str, list[str]], **extra: str) -> list[dict[str, str]]:
    """The three download links of a table, with the page's filters."""
    args: dict[str, Any] = {k: ",".join(v) for k, v in filters.items()}
    args.update({k: v for k, v in extra.items() if v})
    return [{"format": fmt.upper(), "url": tk.url_for("ogpcatalog_metrics.export_table", table=table,
                                                      fmt=fmt, **args)}
            for fmt in export.FORMATS]


@metrics.route("/export/<table>.<fmt>")
def export_table(table: str, fmt: str) -> Response:
    if table not in EXPORTS:
        tk.abort(404, tk._("No such table: {table}").format(table=table))
    if fmt not in export.FORMATS:
        tk.abort(404, tk._("No such format: {format}").format(format=fmt))
    build, title = EXPORTS[table]
    filters = request_filters()
    columns, rows = build(filters)
    meta = {"table": table, "language": _language(), "filters": filters,
            "generated": datetime.datetime.utcnow().isoformat(timespec="seconds")}
    body = export.encode(fmt, columns, rows, title=title(), meta=meta)
    response = Response(body, mimetype=export.MIME_TYPES[fmt].split(";")[0],
                        content_type=export.MIME_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename(table, fmt)}"'
    response.headers["Content-Language"] = _language()
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- pages ------------------------------------------------------------------------------------

def _pager(total: int, page: int, size: int, arg: str) -> dict[str, Any]:
    """Previous/next links of a paged table, keeping the other query arguments."""
    pages = max(1, -(-total // size))

    def url(number: int) -> str:
        return url_with(**{arg: number})

    return {"page": page, "pages": pages, "total": total,
            "first": (page - 1) * size + 1 if total else 0, "last": min(total, page * size),
            "previous": url(page - 1) if page > 1 else None,
            "next": url(page + 1) if page < pages else None}


def url_with(**changes: Any) -> str:
    """This page's address with some query arguments changed (None removes one)."""
    args = tk.request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return tk.url_for(tk.request.endpoint, **{**(tk.request.view_args or {}), **args})


def _own_institutions() -> list[dict[str, Any]]:
    """The institutions whose pages the visitor may read (editor or admin)."""
    if not tk.current_user.is_authenticated:
        return []
    try:
        return tk.get_action("organization_list_for_user")(
            _context(), {"id": tk.current_user.id, "permission": "create_dataset"})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


@metrics.route("/", strict_slashes=False)
def index():
    filters = request_filters()
    try:
        summary = run_action("ogpcatalog_metrics_summary_show", dict(filters))
    except tk.NotAuthorized:
        own = _own_institutions()
        if len(own) == 1:
            return tk.redirect_to("ogpcatalog_metrics.institution", id=own[0]["name"])
        if own:
            return tk.render("ogpcatalog/metrics/choose.html", {"institutions": own})
        return tk.abort(403, tk._("You are not allowed to see these publisher metrics."))
    except tk.ValidationError as error:
        return tk.abort(400, _errors_text(error))

    page = _int_arg("page")
    sort = tk.request.args.get("sort") or "rank asc"
    listing = call("ogpcatalog_institution_metrics_list",
                   {**filters, "sort": sort, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    by = _choice_arg("by", MATRIX_DIMENSIONS, "dataset_type")
    matrix_page = _int_arg("matrix_page")
    matrix = call("ogpcatalog_coverage_matrix_show",
                  {**filters, "by": by, "limit": MATRIX_SIZE, "offset": (matrix_page - 1) * MATRIX_SIZE})
    matrix_columns, matrix_rows = matrix_table(matrix)
    maximum = max([r[c.key] for r in matrix_rows for c in matrix_columns[3:]] or [0])
    ranking = call("ogpcatalog_compliance_list", {**filters, "limit": RANKING_SIZE})
    series_columns, series_rows = timeseries_table(TIMESERIES_PORTAL, None)

    return tk.render("ogpcatalog/metrics/index.html", {
        "filters": filters,
        "filter_options": filter_options(),
        "summary": summary,
        "figures": summary_figures(summary),
        "by_type": [(dataset_type_label(t), n) for t, n in ((summary.get("datasets") or {}).get("by_type") or {}).items()],
        "series_columns": series_columns, "series_rows": series_rows,
        "matrix": matrix, "matrix_by": by, "matrix_columns": matrix_columns, "matrix_rows": matrix_rows,
        "matrix_maximum": maximum, "heat_class": heat_class,
        "matrix_pager": _pager(int(matrix.get("count") or 0), matrix_page, MATRIX_SIZE, "matrix_page"),
        "ranking": [compliance_row(r) for r in ranking.get("results") or []],
        "ranking_count": ranking.get("count") or 0,
        "institutions": [institution_row(r) for r in listing.get("results") or []],
        "institutions_pager": _pager(int(listing.get("count") or 0), page, PAGE_SIZE, "page"),
        "sort": sort,
        "exports": {name: export_links(name, filters, **({"by": by} if name == "coverage" else {}))
                    for name in ("summary", "timeseries", "coverage", "compliance", "institutions",
                                 "overdue", "quality")},
        "url_with": url_with,
        "headers": {"compliance_percent": tk._("Compliance (%)"), "up_to_date_percent": tk._("Up to date (%)")},
    })


@metrics.route("/<id>")
def institution(id: str):
    shown = call("ogpcatalog_institution_metrics_show", {"id": id})
    row = institution_row(shown.get("institution") or {})
    name = row.get("name") or id
    series_columns, series_rows = timeseries_table(TIMESERIES_INSTITUTION, name)
    scope = {"institution": [name]}
    distribution = shown.get("quality_distribution") or {}
    return tk.render("ogpcatalog/metrics/institution.html", {
        "institution": row,
        "obligations": [obligation_row(o) for o in shown.get("obligations") or []],
        "gaps": [obligation_row(o) for o in shown.get("obligations") or [] if o.get("status") != "met"],
        "overdue_datasets": [overdue_row(d) for d in shown.get("overdue_datasets") or []],
        "low_quality_datasets": [quality_row(d) for d in shown.get("low_quality_datasets") or []],
        "quality_distribution": [(rating_label(code), distribution.get(code, 0)) for code in RATINGS],
        "harvest": shown.get("harvest") or [],
        "series_columns": series_columns, "series_rows": series_rows,
        "exports": {table: export_links(table, scope)
                    for table in ("obligations", "overdue", "quality", "timeseries")},
        "portal_allowed": _portal_allowed(),
    })


def _portal_allowed() -> bool:
    try:
        tk.check_access("ogpcatalog_metrics_summary_show", _context(), {})
    except (tk.NotAuthorized, ValueError, KeyError):
        return False
    return True
