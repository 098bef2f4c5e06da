"""The portal's own front-door pages: its API help, the page that says how to get an account
when registration is closed, and the DCAT serializations of the portal's dataset types
(``/procurement/<name>.rdf`` as ckanext-dcat answers ``/dataset/<name>.rdf``).

Every request also names the site in the visitor's language (``g.site_title``, from
``ckanext.ogpcatalog.portal.name``/``name_en``), so that CKAN's own templates (page titles,
footer, header) show the portal's name and not ``ckan.site_title``.
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from flask import Blueprint

from ckanext.ogpcatalog import helpers
from ckanext.ogpcatalog.language import N_

__all__ = ["blueprint", "DCAT_DATASET_TYPES"]

blueprint = Blueprint("ogpcatalog_portal", __name__)

# The portal's dataset types besides ``dataset`` (ckanext-dcat serves /dataset/<id>.<format>).
DCAT_DATASET_TYPES = ("procurement", "commitment")
DCAT_FORMATS = ("rdf", "xml", "ttl", "n3", "jsonld")

# The portal's own read actions the API help lists (docs/api.md documents them all).
PORTAL_ACTIONS = (
    ("ogpcatalog_metrics_summary_show", N_("Headline figures of the portal: datasets, "
                                           "institutions, freshness, quality, obligations.")),
    ("ogpcatalog_institution_metrics_list", N_("One row of figures per institution.")),
    ("ogpcatalog_institution_metrics_show", N_("One institution's figures, obligations and "
                                               "overdue datasets (id=<institution>).")),
    ("ogpcatalog_metrics_timeseries_show", N_("An indicator over time (indicator=...).")),
    ("ogpcatalog_obligation_list", N_("The publication obligations and what fulfils them.")),
    ("ogpcatalog_ocds_summary_show", N_("The OCDS validation summary of a procurement "
                                        "resource (id=<resource id>).")),
    ("ogpcatalog_commitments_export", N_("The commitments as a CSV in the OGP layout.")),
)


@blueprint.before_app_request
def _name_the_site() -> Any:
    name = helpers.ogpcatalog_portal_name()
    if name:
        tk.g.site_title = name
    if tk.request.endpoint == "user.register" and not _may_register():
        return registration_closed()
    return None


def _may_register() -> bool:
    try:
        tk.check_access("user_create", {"user": tk.current_user.name
                                        if tk.current_user.is_authenticated else ""}, {})
    except tk.NotAuthorized:
        return False
    return True


def registration_closed() -> tuple[str, int]:
    """What /user/register answers when visitors may not create accounts: 403 (the request is
    refused, as before, so that clients and crawlers keep seeing it), with a page that says
    who gives accounts and how to ask for one."""
    return tk.render("ogpcatalog/portal/registration_closed.html", {
        "contact_email": tk.config.get("ckan.site_contact_email")
        or tk.config.get("email_to") or "",
    }), 403


@blueprint.route("/search")
def search() -> Any:
    """The home page's search box: the search page of the chosen type (``type``: dataset,
    procurement or commitment; ``dataset`` lists every type)."""
    chosen = tk.request.args.get("type") or "dataset"
    if chosen not in ("dataset",) + DCAT_DATASET_TYPES:
        chosen = "dataset"
    query = (tk.request.args.get("q") or "").strip()
    return tk.redirect_to(f"{chosen}.search", **({"q": query} if query else {}))


@blueprint.route("/api-help")
def api_help() -> str:
    """What the portal's API offers, with examples for its own types and feeds."""
    site_url = (tk.config.get("ckan.site_url") or "").rstrip("/")
    example = _example_names()
    return tk.render("ogpcatalog/portal/api_help.html", {
        "site_url": site_url,
        "example_names": example,
        "actions": [(name, tk._(description)) for name, description in PORTAL_ACTIONS],
        "dcat_enabled": p.plugin_loaded("dcat"),
    })


def _example_names() -> dict[str, str]:
    """A public dataset of each type to name in the examples (placeholders on an empty portal)."""
    names = {"dataset": "<name>", "procurement": "<name>", "commitment": "<name>"}
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    for dataset_type in names:
        try:
            found = tk.get_action("package_search")(dict(context), {
                "fq": f"dataset_type:{dataset_type}", "rows": 1, "sort": "name asc"})
        except (tk.NotAuthorized, tk.ValidationError):
            continue
        if found.get("results"):
            names[dataset_type] = found["results"][0]["name"]
    return names


@blueprint.route("/ogpcatalog/publish/<id>", methods=["POST"])
def publish(id: str) -> Any:
    """Make a draft dataset (of any type) public again: the "Publish" button of the edit form
    and of a draft's page (core offers "Unpublish" but no way back but the new-dataset steps)."""
    context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
    try:
        pkg = tk.get_action("package_patch")(context, {"id": id, "state": "active"})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Unauthorized to update this dataset"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as error:
        tk.h.flash_error(tk._("The dataset could not be published: {errors}").format(
            errors="; ".join(f"{key}: {', '.join(map(str, value))}" for key, value in
                             error.error_dict.items() if isinstance(value, list))))
        return tk.redirect_to("dataset.edit", id=id)
    tk.h.flash_success(tk._("Published: visitors, searches and the API show it again."))
    return tk.redirect_to(f"{pkg['type']}.read", id=pkg["name"])


@blueprint.route("/api/ogpcatalog/dataset-picker")
def dataset_picker() -> Any:
    """Completions of the evidence picker (form_snippets/ogpcatalog_dataset_refs.html): the
    datasets the visitor may see whose title or name matches ``incomplete``, each labelled by
    its title in the visitor's language and its institution (CKAN's autocomplete lists slugs)."""
    query = (tk.request.args.get("incomplete") or "").strip()
    results = []
    if query:
        context = {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}
        words = " ".join(f"{word}*" if word.isalnum() else word
                         for word in query.replace(":", " ").split())
        try:
            found = tk.get_action("package_search")(context, {
                "q": f"name:{query.replace(' ', '-').lower()}* OR title:({words}) OR text:({words})",
                "fq": "-dataset_type:harvest", "rows": 10, "include_private": True})
        except (tk.NotAuthorized, tk.ValidationError):
            found = {"results": []}
        except Exception:  # noqa: BLE001 - a query the search backend refuses: no completions
            found = {"results": []}
        for pkg in found.get("results") or []:
            results.append({"name": pkg["name"], "label": helpers.ogpcatalog_dataset_label(pkg)})
    return (json.dumps({"ResultSet": {"Result": results}}, ensure_ascii=False), 200,
         {"Content-Type": "application/json; charset=utf-8"})


def read_dataset_rdf(_id: str, _format: str, package_type: str | None = None) -> Any:
    """``/<type>/<name>.<format>``: ckanext-dcat's serialization of the dataset."""
    if _format not in DCAT_FORMATS or not p.plugin_loaded("dcat"):
        tk.abort(404)
    from ckanext.dcat import utils as dcat_utils  # only when ckanext-dcat is loaded
    return dcat_utils.read_dataset_page(_id, _format)


for _type in DCAT_DATASET_TYPES:
    blueprint.add_url_rule(f"/{_type}/<_id>.<_format>", endpoint=f"{_type}_rdf",
                           view_func=read_dataset_rdf, defaults={"package_type": _type})
