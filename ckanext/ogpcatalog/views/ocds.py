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

__all__ = ["ocds"]

ocds = Blueprint("ogpcatalog_ocds", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def _dataset_url(package: dict[str, Any]) -> str:
    return tk.h.url_for(f"{package.get('type') or 'dataset'}.read", id=package["name"])


def report(id: str, resource_id: str):
    context = _context()
    try:
        package = tk.get_action("package_show")(context, {"id": id})
        resources = {r["id"]: r for r in package.get("resources", [])}
        if resource_id not in resources:
            raise tk.ObjectNotFound()
        row = tk.get_action("ogpcatalog_ocds_summary_show")(context, {"id": resource_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You are not allowed to see this dataset."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("This resource has no OCDS validation."))
    can_validate = tk.h.check_access("ogpcatalog_ocds_validate", {"id": resource_id})
    return tk.render("ogpcatalog/ocds/report.html", {
        "pkg_dict": package, "pkg": package, "resource": resources[resource_id], "row": row,
        "summary": row.get("summary") or {}, "can_validate": can_validate,
        "dataset_url": _dataset_url(package), "messages": messages,
    })


def validate(id: str, resource_id: str):
    context = _context()
    try:
        tk.get_action("ogpcatalog_ocds_validate")(context, {"id": resource_id})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the dataset's editors can validate its files again."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.ValidationError as error:
        tk.h.flash_error(" ".join(str(m) for ms in error.error_dict.values() for m in ms))
    else:
        tk.h.flash_success(tk._("The file will be validated again in a moment."))
    return tk.redirect_to("ogpcatalog_ocds.report", id=id, resource_id=resource_id)


def apply_suggestions(id: str):
    context = _context()
    fields = tk.request.form.getlist("fields")
    try:
        package = tk.get_action("ogpcatalog_ocds_suggestions_apply")(context, {"id": id, "fields": fields})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the dataset's editors can change its fields."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as error:
        tk.h.flash_error(" ".join(str(m) for ms in error.error_dict.values()
                                  for m in (ms if isinstance(ms, list) else [ms])))
        try:
            package = tk.get_action("package_show")(context, {"id": id})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            return tk.abort(404, tk._("Dataset not found"))
    else:
        tk.h.flash_success(tk._("The dataset's fields were filled with the values of its OCDS files."))
    return tk.redirect_to(_dataset_url(package))


ocds.add_url_rule("/dataset/<id>/ocds/<resource_id>", view_func=report, methods=["GET"])
ocds.add_url_rule("/dataset/<id>/ocds/<resource_id>/validate", view_func=validate, methods=["POST"])
ocds.add_url_rule("/dataset/<id>/ocds/suggestions", view_func=apply_suggestions, methods=["POST"])
