"""Pages of the harvest sources: dry run and checks (issue 5).

``/harvest/<id>/dry-run``  GET: a button; POST: what harvesting the source now would create,
                           update, leave unchanged, skip and delete (nothing is written).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

__all__ = ["harvest"]

harvest = Blueprint("ogpcatalog_harvest", __name__, url_prefix="/harvest")


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user else None}


@harvest.route("/<id>/dry-run", methods=["GET", "POST"])
def dry_run(id: str):
    context = _context()
    try:
        tk.check_access("ogpcatalog_harvest_source_dry_run", context, {"id": id})
        source = tk.get_action("harvest_source_show")(context.copy(), {"id": id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the administrators of the source's institution can run "
                                  "a dry run."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Harvest source not found"))
    result = None
    if tk.request.method == "POST":
        try:
            result = tk.get_action("ogpcatalog_harvest_source_dry_run")(context, {"id": id})
        except tk.ValidationError as error:
            return tk.abort(400, "; ".join(str(v) for v in error.error_dict.values()))
    return tk.render("ogpcatalog/harvest/dry_run.html",
                     {"source": source, "result": result})
