"""Auth functions of the publisher metrics (issue 6); each has its action's name.

Sysadmins pass every check (CKAN grants them before these run). When
``ckanext.ogpcatalog.metrics.public_dashboard`` is true, anyone may read; otherwise the
portal-wide reads are for sysadmins, and an institution's reads also for its admins and
editors. Writes are for sysadmins only.
"""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.ogpcatalog.metrics.filters import as_list, resolve_institutions

PORTAL_READS = ["ogpcatalog_metrics_summary_show", "ogpcatalog_institution_metrics_list",
                "ogpcatalog_coverage_matrix_show", "ogpcatalog_compliance_list",
                "ogpcatalog_obligation_list"]
WRITES = ["ogpcatalog_obligation_create", "ogpcatalog_obligation_update",
          "ogpcatalog_obligation_delete", "ogpcatalog_obligations_import",
          "ogpcatalog_metrics_snapshot_create", "ogpcatalog_link_check_start"]

__all__: list[str] = [*PORTAL_READS, *WRITES, "ogpcatalog_institution_metrics_show",
                      "ogpcatalog_metrics_timeseries_show", "ogpcatalog_overdue_dataset_list",
                      "ogpcatalog_dataset_quality_list"]


def public_dashboard() -> bool:
    return tk.asbool(tk.config.get("ckanext.ogpcatalog.metrics.public_dashboard"))


def _portal_read(context: Context, data_dict: DataDict) -> AuthResult:
    if public_dashboard():
        return {"success": True}
    return {"success": False, "msg": tk._("Only sysadmins can see the portal's metrics.")}


def _member_of(user: str | None, refs: Any) -> bool:
    """The user is an admin or editor of the one institution ``refs`` names."""
    refs = as_list(refs)
    if not user or len(refs) != 1:
        return False
    ids, _missing = resolve_institutions(refs)
    return len(ids) == 1 and authz.users_role_for_group_or_org(ids[0], user) in ("admin",
                                                                                 "editor")


def _institution_read(context: Context, refs: Any) -> AuthResult:
    if public_dashboard() or _member_of(context.get("user"), refs):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only sysadmins and the institution's administrators and editors can see its metrics.")}


def _sysadmin_only(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": False, "msg": tk._("Only sysadmins can do this.")}


@tk.auth_allow_anonymous_access
def ogpcatalog_metrics_summary_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _portal_read(context, data_dict)


@tk.auth_allow_anonymous_access
def ogpcatalog_institution_metrics_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _portal_read(context, data_dict)


@tk.auth_allow_anonymous_access
def ogpcatalog_coverage_matrix_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _portal_read(context, data_dict)


@tk.auth_allow_anonymous_access
def ogpcatalog_compliance_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _portal_read(context, data_dict)


@tk.auth_allow_anonymous_access
def ogpcatalog_obligation_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _portal_read(context, data_dict)


@tk.auth_allow_anonymous_access
def ogpcatalog_institution_metrics_show(context: Context, data_dict: DataDict) -> AuthResult:
    return _institution_read(context, data_dict.get("id"))


@tk.auth_allow_anonymous_access
def ogpcatalog_metrics_timeseries_show(context: Context, data_dict: DataDict) -> AuthResult:
    if not data_dict.get("institution"):
        return _portal_read(context, data_dict)
    return _institution_read(context, data_dict.get("institution"))


@tk.auth_allow_anonymous_access
def ogpcatalog_overdue_dataset_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _institution_read(context, data_dict.get("institution"))


@tk.auth_allow_anonymous_access
def ogpcatalog_dataset_quality_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _institution_read(context, data_dict.get("institution"))


def ogpcatalog_obligation_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmin_only(context, data_dict)


def ogpcatalog_obligation_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmin_only(context, data_dict)


def ogpcatalog_obligation_delete(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmin_only(context, data_dict)


def ogpcatalog_obligations_import(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmin_only(context, data_dict)


def ogpcatalog_metrics_snapshot_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmin_only(context, data_dict)


def ogpcatalog_link_check_start(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmin_only(context, data_dict)
