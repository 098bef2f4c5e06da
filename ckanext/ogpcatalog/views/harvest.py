"""Pages of the harvest sources: dry run and checks (issue 5).

``/harvest/<id>/dry-run``  GET: a button; POST: what harvesting the source now would create,
                           update, leave unchanged, skip and delete (nothing is written).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.ogpcatalog.views._common import action_context, errors_to_status

__all__ = ["blueprint"]

blueprint = Blueprint("ogpcatalog_harvest", __name__, url_prefix="/harvest")


@blueprint.route("/<id>/dry-run", methods=["GET", "POST"])
def dry_run(id: str):
    context = action_context()
    with errors_to_status(
            forbidden=tk._("Only the administrators of the source's institution can run a dry run."),
            not_found=tk._("Harvest source not found")):
        tk.check_access("ogpcatalog_harvest_source_dry_run", context, {"id": id})
        source = tk.get_action("harvest_source_show")(context.copy(), {"id": id})
        result = None
        if tk.request.method == "POST":
            result = tk.get_action("ogpcatalog_harvest_source_dry_run")(context, {"id": id})
    return tk.render("ogpcatalog/harvest/dry_run.html",
                     {"source": source, "result": result})
