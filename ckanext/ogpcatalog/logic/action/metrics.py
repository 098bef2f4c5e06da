"""Actions of the publisher metrics (issue 6). Shapes: ``ckanext/ogpcatalog/metrics/API.md``.

Filters taken by the portal, institution and matrix reads (one code, a list, or a
comma-separated string): ``institution_type``, ``sector``, ``government_level``,
``institution`` (names or ids), ``dataset_type``, ``theme``.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.ogpcatalog.metrics import indicators, linkcheck, obligations, snapshots
from ckanext.ogpcatalog.metrics import model as _model  # noqa: F401  (tables on CKAN's metadata)
from ckanext.ogpcatalog.metrics.filters import (
    get_institution, parse_date, parse_filters, parse_paging)

__all__: list[str] = [
    "ogpcatalog_metrics_summary_show", "ogpcatalog_institution_metrics_list",
    "ogpcatalog_institution_metrics_show", "ogpcatalog_coverage_matrix_show",
    "ogpcatalog_overdue_dataset_list", "ogpcatalog_dataset_quality_list",
    "ogpcatalog_compliance_list", "ogpcatalog_obligation_list", "ogpcatalog_obligation_create",
    "ogpcatalog_obligation_update", "ogpcatalog_obligation_delete",
    "ogpcatalog_obligations_import", "ogpcatalog_metrics_timeseries_show",
    "ogpcatalog_metrics_snapshot_create", "ogpcatalog_link_check_start",
]


@tk.side_effect_free
def ogpcatalog_metrics_summary_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Portal-wide headline figures: datasets, resources and formats, publishing
    institutions, freshness, metadata quality, obligations and commitments.

    :param institution_type: institution type code(s) (optional)
    :param sector: sector code(s) (optional)
    :param government_level: government level code(s) (optional)
    :param institution: institution name(s) or id(s) (optional)
    :param dataset_type: ``dataset``, ``procurement`` and/or ``commitment`` (optional)
    :param theme: EU data theme code(s) (optional)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_metrics_summary_show", context, data_dict)
    return indicators.summary(parse_filters(data_dict))


@tk.side_effect_free
def ogpcatalog_institution_metrics_list(context: Context, data_dict: DataDict
                                        ) -> dict[str, Any]:
    """One row per institution: counts, publishing, up-to-date share, quality average,
    compliance and rank.

    :param institution_type, sector, government_level, institution, dataset_type, theme:
        filters (optional)
    :param limit: rows per page (default 50, at most 1000)
    :param offset: rows to skip (default 0)
    :param sort: ``"<key> asc|desc"``, key one of name, title, datasets, public, private,
        harvested, resources, up_to_date_share, overdue, quality_average,
        compliance_percent, rank (default ``"rank asc"``)
    :returns: ``{"count", "results"}``
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_institution_metrics_list", context, data_dict)
    filters = parse_filters(data_dict)
    paging = parse_paging(data_dict, indicators.INSTITUTION_SORTS, "rank asc")
    return indicators.institution_list(filters, paging)


@tk.side_effect_free
def ogpcatalog_institution_metrics_show(context: Context, data_dict: DataDict
                                        ) -> dict[str, Any]:
    """One institution: its figures, obligations met/missing/overdue, overdue datasets with
    due dates, low-quality datasets and harvest health.

    :param id: the institution's name or id
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_institution_metrics_show", context, data_dict)
    institution = get_institution(data_dict.get("id"))
    return indicators.institution_detail(institution["id"])


@tk.side_effect_free
def ogpcatalog_coverage_matrix_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Institutions x dataset types or themes: public datasets per cell and publishing
    institutions per column.

    :param by: ``dataset_type`` or ``theme``
    :param institution_type, sector, government_level, institution, dataset_type, theme:
        filters (optional)
    :param limit: rows per page (default 50, at most 1000)
    :param offset: rows to skip
    :param sort: ``name``, ``title`` or ``total`` with asc/desc (default ``"total desc"``)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_coverage_matrix_show", context, data_dict)
    by = data_dict.get("by")
    if by not in ("dataset_type", "theme"):
        raise tk.ValidationError({"by": [tk._("Use dataset_type or theme")]})
    filters = parse_filters(data_dict)
    paging = parse_paging(data_dict, indicators.MATRIX_SORTS, "total desc")
    return indicators.coverage_matrix(by, filters, paging)


@tk.side_effect_free
def ogpcatalog_overdue_dataset_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Public datasets past their update deadline (last change + period x 1.2).

    :param institution_type, sector, government_level, institution, dataset_type, theme:
        filters (optional)
    :param limit, offset: paging
    :param sort: ``due``, ``days_overdue`` or ``name`` with asc/desc (default ``"due asc"``)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_overdue_dataset_list", context, data_dict)
    filters = parse_filters(data_dict)
    paging = parse_paging(data_dict, indicators.OVERDUE_SORTS, "due asc")
    return indicators.overdue_list(filters, paging)


@tk.side_effect_free
def ogpcatalog_dataset_quality_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Per-dataset metadata quality score (MQA points, maximum 405) and its dimensions.

    :param institution_type, sector, government_level, institution, dataset_type, theme:
        filters (optional)
    :param rating: ``excellent``, ``good``, ``sufficient`` or ``bad`` (optional)
    :param limit, offset: paging
    :param sort: ``score``, ``name`` or a dimension, with asc/desc (default ``"score asc"``)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_dataset_quality_list", context, data_dict)
    filters = parse_filters(data_dict)
    paging = parse_paging(data_dict, indicators.QUALITY_SORTS, "score asc")
    rating = data_dict.get("rating") or None
    if rating is not None and rating not in indicators.q.RATINGS:
        raise tk.ValidationError({"rating": [tk._("Use one of: {values}").format(
            values=", ".join(indicators.q.RATINGS))]})
    return indicators.quality_list(filters, paging, rating)


@tk.side_effect_free
def ogpcatalog_compliance_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The ranking of institutions by obligations met.

    :param institution_type, sector, government_level, institution: filters (optional)
    :param limit, offset: paging
    :param sort: ``rank``, ``compliance_percent``, ``name``, ``missing`` or ``overdue`` with
        asc/desc (default ``"rank asc"``)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_compliance_list", context, data_dict)
    filters = parse_filters(data_dict)
    paging = parse_paging(data_dict, indicators.COMPLIANCE_SORTS, "rank asc")
    return indicators.compliance_list(filters, paging)


@tk.side_effect_free
def ogpcatalog_obligation_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The obligations registry, ordered by code.

    :param limit, offset: paging (optional; default: all)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligation_list", context, data_dict)
    paging = parse_paging({**data_dict, "limit": data_dict.get("limit") or 1000},
                          ("code",), "code asc")
    return obligations.list_obligations(paging.limit, paging.offset)


def ogpcatalog_obligation_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Create an obligation.

    :param code: unique code (lowercase letters, digits, ``.-_``)
    :param title: ``{"es", "en"}`` (``es`` required)
    :param description: ``{"es", "en"}`` (optional)
    :param legal_basis: text (optional)
    :param frequency: frequency codelist code (optional)
    :param applies_to: ``{"institution_type", "sector", "government_level", "institutions"}``
    :param match: ``{"dataset_type", "theme", "tags"}``
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligation_create", context, data_dict)
    return obligations.create(data_dict)


def ogpcatalog_obligation_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change the given fields of an obligation.

    :param code: the obligation's code
    :param title, description, legal_basis, frequency, applies_to, match: as in create
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligation_update", context, data_dict)
    return obligations.update(data_dict)


def ogpcatalog_obligation_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Delete an obligation.

    :param code: the obligation's code
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligation_delete", context, data_dict)
    code = str(data_dict.get("code") or "").strip()
    if not code:
        raise tk.ValidationError({"code": [tk._("Missing value")]})
    return obligations.delete(code)


def ogpcatalog_obligations_import(context: Context, data_dict: DataDict) -> dict[str, int]:
    """Create or update obligations from a YAML or CSV file's text, all or nothing.

    :param data: the file's text
    :param format: ``yaml`` or ``csv`` (optional: guessed)
    :param replace: also delete the obligations the file does not list (default false)
    :returns: ``{"created", "updated", "deleted", "total"}``
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligations_import", context, data_dict)
    text = data_dict.get("data")
    if not isinstance(text, str) or not text.strip():
        raise tk.ValidationError({"data": [tk._("Missing value")]})
    return obligations.import_obligations(text, data_dict.get("format") or None,
                                          tk.asbool(data_dict.get("replace", False)))


@tk.side_effect_free
def ogpcatalog_metrics_timeseries_show(context: Context, data_dict: DataDict
                                       ) -> dict[str, Any]:
    """The stored history of one indicator, for the portal or one institution.

    :param indicator: a snapshot indicator (see API.md)
    :param institution: institution name or id (optional)
    :param interval: ``month`` (default, each month's last point) or ``day``
    :param start: first day, ``YYYY-MM-DD`` (optional)
    :param end: last day, ``YYYY-MM-DD`` (optional)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_metrics_timeseries_show", context, data_dict)
    indicator = data_dict.get("indicator")
    institution = None
    errors: dict[str, list[str]] = {}
    if data_dict.get("institution"):
        institution = get_institution(data_dict["institution"])
    known = snapshots.INSTITUTION_INDICATORS if institution else snapshots.PORTAL_INDICATORS
    if indicator not in known:
        errors["indicator"] = [tk._("Use one of: {values}").format(values=", ".join(known))]
    interval = data_dict.get("interval") or "month"
    if interval not in ("month", "day"):
        errors["interval"] = [tk._("Use month or day")]
    if errors:
        raise tk.ValidationError(errors)
    start = parse_date(data_dict.get("start"), "start")
    end = parse_date(data_dict.get("end"), "end")
    return {"indicator": indicator, "institution": institution["name"] if institution else None,
            "interval": interval,
            "points": snapshots.series(indicator, institution["id"] if institution else None,
                                       interval, start, end)}


def ogpcatalog_metrics_snapshot_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Measure every indicator and store it as the day's snapshot (replacing that day's).

    :param date: the day, ``YYYY-MM-DD`` (optional, default today UTC)
    :returns: ``{"date", "rows"}``
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_metrics_snapshot_create", context, data_dict)
    day = parse_date(data_dict.get("date"), "date")
    return snapshots.take_snapshot(day)


def ogpcatalog_link_check_start(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Enqueue the link-check job (CKAN background jobs).

    :param institution: only this institution's resources (optional, name or id)
    :returns: ``{"job_id", "resources"}`` (URLs to check)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_link_check_start", context, data_dict)
    institution_id = None
    if data_dict.get("institution"):
        institution_id = get_institution(data_dict["institution"])["id"]
    count = len(linkcheck.targets(institution_id))
    job = tk.enqueue_job(linkcheck.run_link_check, kwargs={"institution_id": institution_id},
                         title="ogpcatalog link check", rq_kwargs={"timeout": 6 * 3600})
    return {"job_id": job.id, "resources": count}
