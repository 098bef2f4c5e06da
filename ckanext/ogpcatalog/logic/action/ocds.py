"""Actions of the OCDS validation of procurement resources (issue 7)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.ogpcatalog.logic import schema
from ckanext.ogpcatalog.ocds import jobs, messages, model, suggestions

__all__: list[str] = [
    "ogpcatalog_ocds_summary_show",
    "ogpcatalog_ocds_validate",
    "ogpcatalog_ocds_suggestions_show",
    "ogpcatalog_ocds_suggestions_apply",
]


def _procurement_resource(context: Context, resource_id: str) -> dict[str, Any]:
    resource = tk.get_action("resource_show")(context, {"id": resource_id})
    package = tk.get_action("package_show")(context, {"id": resource["package_id"]})
    if package.get("type") != jobs.DATASET_TYPE:
        raise tk.ValidationError({"id": [tk._("The resource does not belong to a procurement dataset.")]})
    return resource


def with_message(row: dict[str, Any]) -> dict[str, Any]:
    """The stored row plus its translated status and problem."""
    row = dict(row)
    error_count = (row.get("summary") or {}).get("error_count", 0)
    row["status_label"] = messages.status_label(row["status"], error_count)
    row["message"] = messages.problem_message(row.get("problem"))
    return row


@tk.side_effect_free
def ogpcatalog_ocds_summary_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The OCDS validation summary of a resource of a procurement dataset.

    :param id: the id of the resource
    :type id: string
    :returns: ``status`` (``pending``, ``valid``, ``invalid``, ``unreadable``, ``fetch_failed``,
        ``error``), ``status_label`` and ``message`` (translated), ``problem``, ``attempts``,
        ``next_attempt_at`` and ``summary`` (kind, layout, schema version, valid, error count,
        grouped errors and warnings, releases, records, OCIDs, OCID prefixes, date range,
        stages, tags, methods, categories, award and contract totals per currency)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_ocds_summary_show", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_ocds_summary_show_schema(), context)
    resource = tk.get_action("resource_show")(context, {"id": data["id"]})
    row = model.get(resource["id"])
    if row is None or row["status"] == model.NOT_OCDS:
        raise tk.ObjectNotFound(tk._("This resource has no OCDS validation."))
    return with_message(row)


def ogpcatalog_ocds_validate(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Validate a resource of a procurement dataset again (in the background).

    :param id: the id of the resource
    :type id: string
    :returns: the summary, with status ``pending``
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_ocds_validate", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_ocds_validate_schema(), context)
    resource = _procurement_resource(context, data["id"])
    if not jobs.candidate(resource):
        raise tk.ValidationError({"id": [tk._("The resource is not JSON: give it the format JSON or OCDS.")]})
    jobs.enqueue(resource["id"], resource["package_id"], jobs.source_of(resource))
    return with_message(model.get(resource["id"]) or {})


@tk.side_effect_free
def ogpcatalog_ocds_suggestions_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """What the OCDS files of a procurement dataset say about its fields, against what the
    dataset declares.

    :param id: the id or name of the dataset
    :type id: string
    :returns: ``fields``: one item per field the files inform (``field``, ``declared``,
        ``observed``, ``mismatch``, ``suggested``)
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_ocds_suggestions_show", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_ocds_suggestions_show_schema(), context)
    package = tk.get_action("package_show")(context, {"id": data["id"]})
    return {"id": package["id"], "fields": suggestions.compare(package, model.for_package(package["id"]))}


def ogpcatalog_ocds_suggestions_apply(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Fill dataset fields with the values observed in its OCDS files (the editor confirms
    which ones).

    :param id: the id or name of the dataset
    :type id: string
    :param fields: the fields to fill (e.g. ``["stages", "period_start"]``); only fields listed as
        suggested by ``ogpcatalog_ocds_suggestions_show``
    :type fields: list of strings
    :returns: the updated dataset
    :rtype: dictionary
    """
    tk.check_access("ogpcatalog_ocds_suggestions_apply", context, data_dict)
    data = schema.validated(data_dict, schema.ogpcatalog_ocds_suggestions_apply_schema(), context)
    fields = data["fields"]
    package = tk.get_action("package_show")(context, {"id": data["id"]})
    rows = {row["field"]: row for row in suggestions.compare(package, model.for_package(package["id"]))}
    unknown = [f for f in fields if f not in rows or not rows[f]["suggested"]]
    if unknown:
        raise tk.ValidationError({"fields": [
            tk._("No value to suggest for: {fields}").format(fields=", ".join(map(str, unknown)))]})
    patch = {"id": package["id"], **{field: rows[field]["observed"] for field in fields}}
    return tk.get_action("package_patch")(context, patch)
