"""Auth functions of the harvest sources: dry run and checks (issue 5); each has its action's name."""
from __future__ import annotations

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

__all__: list[str] = ["ogpcatalog_harvest_source_dry_run"]


def ogpcatalog_harvest_source_dry_run(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins (always, by CKAN) and the admins of the source's institution."""
    user = context.get("user")
    package = model.Package.get(data_dict.get("id") or "")
    if package is None or package.type != "harvest":
        return {"success": False, "msg": tk._("Harvest source not found")}
    if package.owner_org and user and \
            authz.users_role_for_group_or_org(package.owner_org, user) == "admin":
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the administrators of the source's institution can run a dry run.")}
