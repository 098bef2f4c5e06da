"""Auth functions of the OCDS validation of procurement resources (issue 7); each has its action's name."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__: list[str] = [
    "ogpcatalog_ocds_summary_show",
    "ogpcatalog_ocds_validate",
    "ogpcatalog_ocds_suggestions_show",
    "ogpcatalog_ocds_suggestions_apply",
]


def _package_of_resource(context: Context, data_dict: DataDict) -> str | None:
    import ckan.model as model

    resource = model.Resource.get(str(data_dict.get("id") or ""))
    return resource.package_id if resource else None


def _check(action: str, context: Context, package_id: Any) -> AuthResult:
    try:
        tk.check_access(action, context, {"id": package_id})
    except tk.NotAuthorized:
        return {"success": False}
    return {"success": True}


@tk.auth_allow_anonymous_access
def ogpcatalog_ocds_summary_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the resource's dataset."""
    return _check("package_show", context, _package_of_resource(context, data_dict))


def ogpcatalog_ocds_validate(context: Context, data_dict: DataDict) -> AuthResult:
    """The dataset's editors."""
    return _check("package_update", context, _package_of_resource(context, data_dict))


@tk.auth_allow_anonymous_access
def ogpcatalog_ocds_suggestions_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset."""
    return _check("package_show", context, data_dict.get("id"))


def ogpcatalog_ocds_suggestions_apply(context: Context, data_dict: DataDict) -> AuthResult:
    """The dataset's editors."""
    return _check("package_update", context, data_dict.get("id"))
