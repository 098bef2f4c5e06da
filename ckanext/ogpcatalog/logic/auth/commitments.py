"""Auth functions of the OGP commitments import/export (issue 7); each has its action's name."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__: list[str] = ["ogpcatalog_commitments_import", "ogpcatalog_commitments_import_show",
                      "ogpcatalog_commitments_export"]


def ogpcatalog_commitments_import(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins only (they pass every auth function before it runs)."""
    return {"success": False, "msg": tk._("Only system administrators can import commitments")}


def ogpcatalog_commitments_import_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins only, as the import."""
    return {"success": False, "msg": tk._("Only system administrators can import commitments")}


@tk.auth_allow_anonymous_access
def ogpcatalog_commitments_export(context: Context, data_dict: DataDict | Any) -> AuthResult:
    """Anyone: the export holds public commitments only."""
    return {"success": True}
