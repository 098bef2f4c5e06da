"""Pages of the publisher metrics (issue 6): the publishers dashboard and its exports.

``/publishers``                       the portal-wide dashboard (figures, charts, tables)
``/publishers/<institution>``         one institution: gaps, overdue and low-quality datasets,
                                      harvest health
``/publishers/export/<table>.<fmt>``  every table as CSV, JSON or XLSX, with the page's filters

Every figure comes from the metrics actions (docs/metrics-api.md), through metrics/cache.py;
NotAuthorized, ObjectNotFound and ValidationError become 403, 404 and 400 pages. This module
parses the request and renders: metrics/tables.py builds the tables, metrics/export.py reads
every row of an exported table and encodes it.
"""
from __future__ import annotations

import datetime
from typing import Any, Callable, Iterable

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.ogpcatalog.language import current_language
from ckanext.ogpcatalog.metrics import cache, export, tables
from ckanext.ogpcatalog.metrics.filters import FILTER_KEYS
from ckanext.ogpcatalog.metrics.sql import RATINGS
from ckanext.ogpcatalog.views._common import action_context, errors_to_status

__all__ = ["blueprint"]

blueprint = Blueprint("ogpcatalog_metrics", __name__, url_prefix="/publishers")

# The coverage matrix's dimensions (ogpcatalog_coverage_matrix_show's ``by``).
MATRIX_DIMENSIONS = ("dataset_type", "theme")
PAGE_SIZE = 25
RANKING_SIZE = 20
OVERDUE_SIZE = 10
MATRIX_SIZE = 25


# --- calling the actions --------------------------------------------------------------------

def _forbidden() -> str:
    return tk._("You are not allowed to see these publisher metrics.")


def call(action: str, data: dict[str, Any]) -> Any:
    """Run an action as the visitor (cached: :func:`.cache.run_action`); its refusals become
    403/404/400 pages."""
    with errors_to_status(forbidden=_forbidden(), not_found=tk._("Institution not found")):
        return cache.run_action(action, data, action_context())


# --- the request ------------------------------------------------------------------------------

def request_filters(args=None) -> dict[str, list[str]]:
    """The filters of the query string: each a list of codes (repeated or comma-separated)."""
    found = {name: _list_arg(name, args) for name in FILTER_KEYS}
    return {name: values for name, values in found.items() if values}


def _list_arg(name: str, args=None) -> list[str]:
    """A query argument's values, repeated or comma-separated."""
    args = tk.request.args if args is None else args
    return [v.strip() for raw in args.getlist(name) for v in raw.split(",") if v.strip()]


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


def _single_institution(filters: dict[str, list[str]]) -> str | None:
    institutions = filters.get("institution") or []
    if len(institutions) > 1:
        tk.abort(400, tk._("institution: give at most one institution"))
    return institutions[0] if institutions else None


def _required_institution(filters: dict[str, list[str]]) -> str:
    institution = _single_institution(filters)
    if not institution:
        tk.abort(400, tk._("institution: required for this table"))
    return institution


def _rating_arg() -> str | None:
    return _choice_arg("rating", RATINGS, "") if tk.request.args.get("rating") else None


# --- the exports ----------------------------------------------------------------------------

# table -> its rows with the page's filters and the table's own query arguments
EXPORTS: dict[str, Callable[[dict[str, list[str]]], export.Table]] = {
    "summary": lambda filters: export.summary_table(call, filters),
    "institutions": lambda filters: export.institutions_table(call, filters),
    "coverage": lambda filters: export.coverage_table(
        call, filters, _choice_arg("by", MATRIX_DIMENSIONS, "dataset_type")),
    "overdue": lambda filters: export.overdue_table(call, filters),
    "quality": lambda filters: export.quality_table(call, filters, _rating_arg()),
    "compliance": lambda filters: export.compliance_table(call, filters),
    "timeseries": lambda filters: export.timeseries_table(
        call, _single_institution(filters), _list_arg("indicator"), filters),
    "obligations": lambda filters: export.obligations_table(call, _required_institution(filters)),
}


def export_links(table: str, filters: dict[str, list[str]], **extra: str) -> list[dict[str, str]]:
    """The three download links of a table, with the page's filters."""
    args: dict[str, Any] = {k: ",".join(v) for k, v in filters.items()}
    args.update({k: v for k, v in extra.items() if v})
    return [{"format": fmt.upper(), "url": tk.url_for("ogpcatalog_metrics.export_table", table=table,
                                                      fmt=fmt, **args)}
            for fmt in export.FORMATS]


@blueprint.route("/export/<table>.<fmt>")
def export_table(table: str, fmt: str) -> Response:
    if table not in EXPORTS:
        tk.abort(404, tk._("No such table: {table}").format(table=table))
    if fmt not in export.FORMATS:
        tk.abort(404, tk._("No such format: {format}").format(format=fmt))
    filters = request_filters()
    columns, rows = EXPORTS[table](filters)
    language = current_language()
    meta = {"table": table, "language": language, "filters": filters,
            "generated": datetime.datetime.utcnow().isoformat(timespec="seconds")}
    body = export.encode(fmt, columns, rows, title=export.TITLES[table](), meta=meta)
    response = Response(body, mimetype=export.MIME_TYPES[fmt].split(";")[0],
                        content_type=export.MIME_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename(table, fmt)}"'
    response.headers["Content-Language"] = language
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
            action_context(), {"id": tk.current_user.id, "permission": "create_dataset"})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return []


@blueprint.route("/", strict_slashes=False)
def index():
    filters = request_filters()
    with errors_to_status(forbidden=_forbidden()):
        try:
            summary = cache.run_action("ogpcatalog_metrics_summary_show", dict(filters),
                                       action_context())
        except tk.NotAuthorized:
            # An institution's editors and admins are sent to their institution's page.
            own = _own_institutions()
            if len(own) == 1:
                return tk.redirect_to("ogpcatalog_metrics.institution", id=own[0]["name"])
            if own:
                return tk.render("ogpcatalog/metrics/choose.html", {"institutions": own})
            raise

    page = _int_arg("page")
    sort = tk.request.args.get("sort") or "rank asc"
    listing = call("ogpcatalog_institution_metrics_list",
                   {**filters, "sort": sort, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE})
    by = _choice_arg("by", MATRIX_DIMENSIONS, "dataset_type")
    matrix_page = _int_arg("matrix_page")
    matrix = call("ogpcatalog_coverage_matrix_show",
                  {**filters, "by": by, "limit": MATRIX_SIZE, "offset": (matrix_page - 1) * MATRIX_SIZE})
    matrix_columns, matrix_rows = tables.matrix_table(matrix)
    maximum = max([r[c.key] for r in matrix_rows for c in matrix_columns[3:]] or [0])
    ranking = call("ogpcatalog_compliance_list", {**filters, "limit": RANKING_SIZE})
    series_columns, series_rows = tables.timeseries_table(
        call, tables.TIMESERIES_PORTAL, _single_institution(filters), filters)
    overdue = call("ogpcatalog_overdue_dataset_list", {**filters, "limit": OVERDUE_SIZE})

    return tk.render("ogpcatalog/metrics/index.html", {
        "filters": filters,
        "filter_options": tables.filter_options(),
        "summary": summary,
        "figures": tables.summary_figures(summary),
        "by_type": tables.by_type_rows(summary),
        "series_columns": series_columns, "series_rows": series_rows,
        "series_filtered": any(key != "institution" for key in filters),
        "overdue_datasets": [tables.overdue_row(d) for d in overdue.get("results") or []],
        "overdue_count": overdue.get("count") or 0,
        "matrix": matrix, "matrix_by": by, "matrix_columns": matrix_columns, "matrix_rows": matrix_rows,
        "matrix_maximum": maximum, "heat_class": tables.heat_class,
        "matrix_pager": _pager(int(matrix.get("count") or 0), matrix_page, MATRIX_SIZE, "matrix_page"),
        "ranking": [tables.compliance_row(r) for r in ranking.get("results") or []],
        "ranking_count": ranking.get("count") or 0,
        "institutions": [tables.institution_row(r) for r in listing.get("results") or []],
        "institutions_pager": _pager(int(listing.get("count") or 0), page, PAGE_SIZE, "page"),
        "sort": sort,
        "exports": {name: export_links(name, filters, **({"by": by} if name == "coverage" else {}))
                    for name in ("summary", "timeseries", "coverage", "compliance", "institutions",
                                 "overdue", "quality")},
        "url_with": url_with,
        "headers": {"compliance_percent": tk._("Compliance (%)"), "up_to_date_percent": tk._("Up to date (%)")},
    })


@blueprint.route("/<id>")
def institution(id: str):
    shown = call("ogpcatalog_institution_metrics_show", {"id": id})
    row = tables.institution_row(shown.get("institution") or {})
    name = row.get("name") or id
    series_columns, series_rows = tables.timeseries_table(call, tables.TIMESERIES_INSTITUTION, name)
    scope = {"institution": [name]}
    distribution = shown.get("quality_distribution") or {}
    return tk.render("ogpcatalog/metrics/institution.html", {
        "institution": row,
        "obligations": [tables.obligation_row(o) for o in shown.get("obligations") or []],
        "gaps": [tables.obligation_row(o) for o in shown.get("obligations") or [] if o.get("status") != "met"],
        "overdue_datasets": [tables.overdue_row(d) for d in shown.get("overdue_datasets") or []],
        "low_quality_datasets": [tables.quality_row(d) for d in shown.get("low_quality_datasets") or []],
        "quality_distribution": [(tables.rating_label(code), distribution.get(code, 0)) for code in RATINGS],
        "harvest": [{**source, "last_job_status_label": tables.harvest_status_label(source.get("last_job_status"))}
                    for source in shown.get("harvest") or []],
        "series_columns": series_columns, "series_rows": series_rows,
        "exports": {table: export_links(table, scope)
                    for table in ("obligations", "overdue", "quality", "timeseries")},
        "portal_allowed": _portal_allowed(),
    })


def _portal_allowed() -> bool:
    try:
        tk.check_access("ogpcatalog_metrics_summary_show", action_context(), {})
    except (tk.NotAuthorized, ValueError, KeyError):
        return False
    return True
