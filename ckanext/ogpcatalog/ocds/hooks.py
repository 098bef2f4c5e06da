"""What the main plugin wires for OCDS: the signal that schedules validations and the summary
added to each resource of a procurement dataset in ``package_show``."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.ocds import jobs, messages, model

log = logging.getLogger(__name__)

# The summary fields copied onto each resource (the full report: ogpcatalog_ocds_summary_show).
COMPACT_FIELDS = ("kind", "layout", "schema_version", "valid", "error_count", "warning_count",
                  "releases", "records", "ocids", "ocid_prefixes", "date_start", "date_end",
                  "stages", "methods", "validated_at")


def signal_subscriptions() -> dict[Any, list]:
    return {tk.signals.action_succeeded: [jobs.on_action_succeeded]}


def compact(row: dict[str, Any]) -> dict[str, Any]:
    found = row.get("summary") or {}
    return {
        "status": row["status"],
        "status_label": messages.status_label(row["status"], found.get("error_count", 0)),
        "message": messages.problem_message(row.get("problem")),
        "updated": row["updated"],
        **{key: found[key] for key in COMPACT_FIELDS if key in found},
    }


def add_summaries(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``ocds_summary`` on each OCDS resource of a procurement dataset (``package_show``)."""
    if pkg_dict.get("type") != jobs.DATASET_TYPE or not pkg_dict.get("resources"):
        return pkg_dict
    try:
        rows = model.for_package(pkg_dict["id"])
    except Exception:  # noqa: BLE001 (table missing before `db upgrade`: show the dataset anyway)
        log.exception("OCDS summaries unavailable")
        return pkg_dict
    for resource in pkg_dict["resources"]:
        row = rows.get(resource.get("id"))
        if row and row["status"] != model.NOT_OCDS:
            resource["ocds_summary"] = compact(row)
        else:
            resource.pop("ocds_summary", None)
    return pkg_dict
