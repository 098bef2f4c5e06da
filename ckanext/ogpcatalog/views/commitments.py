"""Pages of the OGP commitments import/export (issue 7).

``/commitments/export.<csv|json>``   the public commitments in the shape of OGP's sheet,
                                     optionally of one plan (``?action_plan=<name>``); the
                                     action plan page links to it.
``/commitments/import/<id>``         the state of an import running in the background
                                     (sysadmins): state, rows done of the total, counts so
                                     far; the page refreshes itself until the job ends.
"""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.views._common import action_context, errors_to_status

__all__ = ["blueprint"]

blueprint = Blueprint("ogpcatalog_commitments", __name__, url_prefix="/commitments")

_MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


@blueprint.route("/export.<fmt>")
def export(fmt: str) -> Response:
    """The export action's file as a download."""
    if fmt not in _MIMETYPES:
        return tk.abort(404, tk._("Unknown format: {value}. Expected one of: {allowed}").format(
            value=fmt, allowed=", ".join(_MIMETYPES)))
    data_dict = {"format": fmt, "action_plan": tk.request.args.get("action_plan") or None,
                 "language": tk.request.args.get("language") or bilingual.current_language()}
    with errors_to_status():
        try:
            result = tk.get_action("ogpcatalog_commitments_export")(action_context(), data_dict)
        except tk.ValidationError as error:
            if "action_plan" in error.error_dict:  # an unknown plan is a page that is not there
                return tk.abort(404, error.error_dict["action_plan"][0])
            raise
    content = result["content"]
    body = content if fmt == "csv" else json.dumps(content, ensure_ascii=False, indent=1)
    return Response(body, mimetype=_MIMETYPES[fmt].split(";")[0], headers={
        "Content-Type": _MIMETYPES[fmt],
        "Content-Disposition": f'attachment; filename="{result["filename"]}"',
        # Imported text reaches these files: never let a browser sniff them as HTML.
        "X-Content-Type-Options": "nosniff"})


@blueprint.route("/import/<import_id>")
def import_status(import_id: str) -> str:
    """The state and counts of a background import (``ogpcatalog_commitments_import_show``)."""
    with errors_to_status(not_found=tk._("Import not found (imports are kept for seven days)")):
        state = tk.get_action("ogpcatalog_commitments_import_show")(
            action_context(), {"id": import_id})
    return tk.render("ogpcatalog/commitments/import_status.html", {"import": state})
