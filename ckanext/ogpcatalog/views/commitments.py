"""Pages of the OGP commitments import/export (issue 7).

``/commitments/export.<csv|json>``   the public commitments in the shape of OGP's sheet,
                                     optionally of one plan (``?action_plan=<name>``); the
                                     action plan page links to it.
"""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response

from ckanext.ogpcatalog.fields import bilingual

__all__ = ["commitments"]

commitments = Blueprint("ogpcatalog_commitments", __name__, url_prefix="/commitments")

_MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


@commitments.route("/export.<fmt>")
def export(fmt: str) -> Response:
    """The export action's file as a download."""
    if fmt not in _MIMETYPES:
        return tk.abort(404, tk._("Unknown format: {value}. Expected one of: {allowed}").format(
            value=fmt, allowed=", ".join(_MIMETYPES)))
    data_dict = {"format": fmt, "action_plan": tk.request.args.get("action_plan") or None,
                 "language": tk.request.args.get("language") or bilingual.current_language()}
    try:
        result = tk.get_action("ogpcatalog_commitments_export")({"user": tk.current_user.name}, data_dict)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ValidationError as error:
        if "action_plan" in error.error_dict:
            return tk.abort(404, error.error_dict["action_plan"][0])
        return tk.abort(400, "; ".join(str(m) for messages in error.error_dict.values()
                                       for m in messages))
    content = result["content"]
    body = content if fmt == "csv" else json.dumps(content, ensure_ascii=False, indent=1)
    return Response(body, mimetype=_MIMETYPES[fmt].split(";")[0], headers={
        "Content-Type": _MIMETYPES[fmt],
        "Content-Disposition": f'attachment; filename="{result["filename"]}"',
        # Imported text reaches these files: never let a browser sniff them as HTML.
        "X-Content-Type-Options": "nosniff"})
