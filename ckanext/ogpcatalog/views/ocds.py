"""Pages of the OCDS validation of procurement resources (issue 7).

``/dataset/<id>/ocds/<resource_id>``           the validation report of one resource
``/dataset/<id>/ocds/<resource_id>/validate``  (POST) validate again (the dataset's editors)
``/dataset/<id>/ocds/suggestions``             (POST) fill the chosen fields with the observed
                                               values (the dataset's editors)

Each view calls an action; NotAuthorized, ObjectNotFound and ValidationError become 403, 404
and 400 (or a flash message on the POSTs).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.ogpcatalog.ocds import messages
from ckanext.ogpcatalog.views._common import action_context, error_text, errors_to_status

__all__ = ["blueprint"]

blueprint = Blueprint("ogpcatalog_ocds", __name__)


def _dataset_url(package: dict[str, Any]) -> str:
    return tk.h.url_for(f"{package.get('type') or 'dataset'}.read", id=package["name"])


def report(id: str, resource_id: str):
    context = action_context()
    with errors_to_status(forbidden=tk._("You are not allowed to see this dataset."),
                          not_found=tk._("This resource has no OCDS validation.")):
        package = tk.get_action("package_show")(context, {"id": id})
        resources = {r["id"]: r for r in package.get("resources", [])}
        if resource_id not in resources:
            raise tk.ObjectNotFound()
        row = tk.get_action("ogpcatalog_ocds_summary_show")(context, {"id": resource_id})
    can_validate = tk.h.check_access("ogpcatalog_ocds_validate", {"id": resource_id})
    return tk.render("ogpcatalog/ocds/report.html", {
        "pkg_dict": package, "pkg": package, "resource": resources[resource_id], "row": row,
        "summary": row.get("summary") or {}, "can_validate": can_validate,
        "dataset_url": _dataset_url(package), "messages": messages,
    })


def validate(id: str, resource_id: str):
    with errors_to_status(
            forbidden=tk._("Only the dataset's editors can validate its files again."),
            not_found=tk._("Resource not found")):
        try:
            tk.get_action("ogpcatalog_ocds_validate")(action_context(), {"id": resource_id})
        except tk.ValidationError as error:
            tk.h.flash_error(error_text(error, fields=False))
        else:
            tk.h.flash_success(tk._("The file will be validated again in a moment."))
    return tk.redirect_to("ogpcatalog_ocds.report", id=id, resource_id=resource_id)


def apply_suggestions(id: str):
    context = action_context()
    fields = tk.request.form.getlist("fields")
    with errors_to_status(forbidden=tk._("Only the dataset's editors can change its fields."),
                          not_found=tk._("Dataset not found")):
        try:
            package = tk.get_action("ogpcatalog_ocds_suggestions_apply")(
                context, {"id": id, "fields": fields})
        except tk.ValidationError as error:
            tk.h.flash_error(error_text(error, fields=False))
            package = _package_to_return_to(context, id)
        else:
            tk.h.flash_success(tk._("The dataset's fields were filled with the values of its OCDS files."))
    return tk.redirect_to(_dataset_url(package))


def _package_to_return_to(context: dict[str, Any], id: str) -> dict[str, Any]:
    """The dataset a refused form goes back to; a 404 when the visitor cannot read it."""
    try:
        return tk.get_action("package_show")(context, {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))


blueprint.add_url_rule("/dataset/<id>/ocds/<resource_id>", view_func=report, methods=["GET"])
blueprint.add_url_rule("/dataset/<id>/ocds/<resource_id>/validate", view_func=validate, methods=["POST"])
blueprint.add_url_rule("/dataset/<id>/ocds/suggestions", view_func=apply_suggestions, methods=["POST"])
