"""Actions of the publisher metrics (issue 6). Shapes: ``docs/metrics-api.md``.

Filters taken by the portal, institution and matrix reads (one code, a list, or a
comma-separated string): ``institution_type``, ``sector``, ``government_level``,
``institution`` (names or ids), ``dataset_type``, ``theme``. Each action validates its
parameters with its schema (``logic/schema.py``) after the access check.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.ogpcatalog.metrics import indicators, linkcheck, obligations, snapshots
from ckanext.ogpcatalog.metrics import model as _model  # noqa: F401  (tables on CKAN's metadata)
from ckanext.ogpcatalog.logic import schema
from ckanext.ogpcatalog.metrics.filters import FILTER_KEYS, Filters, Paging, get_institution

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
    data = schema.validated(data_dict, schema.ogpcatalog_metrics_summary_show_schema(), context)
    return indicators.summary(Filters.of(data))


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
    data = schema.validated(data_dict, schema.ogpcatalog_institution_metrics_list_schema(),
                            context)
    return indicators.institution_list(Filters.of(data), Paging.of(data))


@tk.side_effect_free
def ogpcatalog_institution_metrics_show(context: Context, data_dict: DataDict
                                        ) -> dict[str, Any]:
    """One institution: its figures, obligations met/missing/overdue, overdue datasets with
    due dates, low-quality datasets and harvest health.

    :param id: the institution's name or id
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_institution_metrics_show", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_institution_metrics_show_schema(),
                            context)
    institution = get_institution(data["id"])
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
    data = schema.validated(data_dict, schema.ogpcatalog_coverage_matrix_show_schema(), context)
    return indicators.coverage_matrix(data["by"], Filters.of(data), Paging.of(data))


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
    data = schema.validated(data_dict, schema.ogpcatalog_overdue_dataset_list_schema(), context)
    return indicators.overdue_list(Filters.of(data), Paging.of(data))


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
    data = schema.validated(data_dict, schema.ogpcatalog_dataset_quality_list_schema(), context)
    return indicators.quality_list(Filters.of(data), Paging.of(data), data["rating"])


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
    data = schema.validated(data_dict, schema.ogpcatalog_compliance_list_schema(), context)
    return indicators.compliance_list(Filters.of(data), Paging.of(data))


@tk.side_effect_free
def ogpcatalog_obligation_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The obligations registry, ordered by code.

    :param limit, offset: paging (optional; default: all)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligation_list", context, data_dict)
    paging = Paging.of(schema.validated(data_dict, schema.ogpcatalog_obligation_list_schema(),
                                        context))
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
    data = schema.validated(data_dict, schema.ogpcatalog_obligation_create_schema(), context)
    return obligations.create(data)


def ogpcatalog_obligation_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Change the given fields of an obligation.

    :param code: the obligation's code
    :param title, description, legal_basis, frequency, applies_to, match: as in create
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligation_update", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_obligation_update_schema(), context)
    return obligations.update(data)


def ogpcatalog_obligation_delete(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Delete an obligation.

    :param code: the obligation's code
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligation_delete", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_obligation_delete_schema(), context)
    return obligations.delete(data["code"])


def ogpcatalog_obligations_import(context: Context, data_dict: DataDict) -> dict[str, int]:
    """Create or update obligations from a YAML or CSV file's text, all or nothing.

    :param data: the file's text
    :param format: ``yaml`` or ``csv`` (optional: guessed)
    :param replace: also delete the obligations the file does not list (default false)
    :returns: ``{"created", "updated", "deleted", "total"}``
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_obligations_import", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_obligations_import_schema(), context)
    return obligations.import_obligations(data["data"], data.get("format"), data["replace"])


@tk.side_effect_free
def ogpcatalog_metrics_timeseries_show(context: Context, data_dict: DataDict
                                       ) -> dict[str, Any]:
    """The stored history of one indicator, for the portal or one institution.

    :param indicator: a snapshot indicator (see API.md)
    :param institution: institution name or id (optional)
    :param interval: ``month`` (default, each month's last point) or ``day``
    :param start: first day, ``YYYY-MM-DD`` (optional)
    :param end: last day, ``YYYY-MM-DD`` (optional)
    :param institution_type, sector, government_level, dataset_type, theme: filters
        (optional): the monthly history of ``datasets_public`` or ``publishing_institutions``
        rebuilt from the creation dates of today's datasets that match them
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_metrics_timeseries_show", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_metrics_timeseries_show_schema(),
                            context)
    institution = get_institution(data["institution"]) if data.get("institution") else None
    filters = Filters.of({**data, "institution": [institution["id"]] if institution else []})
    if any(getattr(filters, key) for key in FILTER_KEYS if key != "institution"):
        # The snapshots hold no filtered figures: the history is rebuilt from creation dates.
        if data["indicator"] not in indicators.HISTORY_INDICATORS:
            raise tk.ValidationError({"indicator": [tk._(
                "With filters, the history is available for {indicators} only.").format(
                    indicators=", ".join(indicators.HISTORY_INDICATORS))]})
        return {"indicator": data["indicator"],
                "institution": institution["name"] if institution else None,
                "interval": "month", "filters": filters.as_dict(),
                "points": indicators.filtered_history(data["indicator"], filters,
                                                      data["start"], data["end"])}
    return {"indicator": data["indicator"],
            "institution": institution["name"] if institution else None,
            "interval": data["interval"],
            "points": snapshots.series(data["indicator"],
                                       institution["id"] if institution else None,
                                       data["interval"], data["start"], data["end"])}


def ogpcatalog_metrics_snapshot_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Measure every indicator and store it as the day's snapshot (replacing that day's).

    :param date: the day, ``YYYY-MM-DD`` (optional, default today UTC)
    :returns: ``{"date", "rows"}``
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_metrics_snapshot_create", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_metrics_snapshot_create_schema(),
                            context)
    return snapshots.take_snapshot(data["date"])


def ogpcatalog_link_check_start(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Enqueue the link-check job (CKAN background jobs).

    :param institution: only this institution's resources (optional, name or id)
    :returns: ``{"job_id", "resources"}`` (URLs to check)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_link_check_start", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_link_check_start_schema(), context)
    institution_id = None
    if data.get("institution"):
        institution_id = get_institution(data["institution"])["id"]
    count = len(linkcheck.targets(institution_id))
    job = tk.enqueue_job(linkcheck.run_link_check, kwargs={"institution_id": institution_id},
                         title="ogpcatalog link check", rq_kwargs={"timeout": 6 * 3600})
    return {"job_id": job.id, "resources": count}
