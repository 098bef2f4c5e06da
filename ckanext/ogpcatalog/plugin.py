"""The main ckanext-ogpcatalog plugin: wiring only; each capability lives in its own module.

Actions (less the chains of plugins that are not loaded: logic/chains.py), auth functions,
blueprints, commands, config declarations and validators are registered by the blanket
decorators from ``logic/``, ``views/``, ``cli.py``, ``config_declaration.yaml``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation

from ckanext.dcat.interfaces import IDCATURIGenerator

from ckanext.ogpcatalog.commitments import evidence
from ckanext.ogpcatalog.commitments.plan_membership import sync_action_plan_membership
from ckanext.ogpcatalog.dcat.profile import uris as dcat_uris
from ckanext.ogpcatalog.language.api import ApiLanguageMiddleware, translate_api_errors
from ckanext.ogpcatalog.logic import chains
from ckanext.ogpcatalog.metrics import facts as metrics_facts
from ckanext.ogpcatalog.ocds import hooks as ocds_hooks
from ckanext.ogpcatalog.search import facets, index_fields as index
from ckanext.ogpcatalog.upstream.action_errors import register_action_error_handlers
from ckanext.ogpcatalog.upstream.csrf_exemptions import scope_csrf_exemptions


def i18n_directory() -> str:
    """The catalogues: top-level `i18n/` in a checkout, `ckanext/ogpcatalog/i18n` in a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "i18n"
    if checkout.is_dir():
        return str(checkout)
    return str(Path(__file__).resolve().parent / "i18n")


@tk.blanket.actions(chains.registered_actions)
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.config_declarations
@tk.blanket.validators
class OgpCatalogPlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.ITemplateHelpers)
    p.implements(p.ISignal)
    p.implements(IDCATURIGenerator, inherit=True)

    # IConfigurer
    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "ogpcatalog")
        metrics_facts.listen()

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        return chains.registered_helpers()

    # IMiddleware
    def make_middleware(self, app, config):
        # Around CKAN's own I18nMiddleware (the Flask app's wsgi_app), inside the app object.
        app.wsgi_app = ApiLanguageMiddleware(app.wsgi_app)
        translate_api_errors(app)
        scope_csrf_exemptions()
        register_action_error_handlers(app)
        return app

    # ITranslation
    def i18n_directory(self) -> str:
        return i18n_directory()

    def i18n_domain(self) -> str:
        return "ckanext-ogpcatalog"

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return index.index_fields(pkg_dict, index.institution_extras)

    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]):
        return facets.label_facet_items(evidence.readable_search_results(search_results))

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return ocds_hooks.add_summaries(evidence.readable_dataset(context, pkg_dict))

    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        sync_action_plan_membership(pkg_dict.get("id"), pkg_dict.get("action_plan"))
        metrics_facts.mark_stale(pkg_dict.get("id"))

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        sync_action_plan_membership(pkg_dict.get("id"), pkg_dict.get("action_plan"))
        metrics_facts.mark_stale(pkg_dict.get("id"))

    def delete(self, entity: Any) -> None:
        metrics_facts.mark_stale(entity.id)

    # ISignal
    def get_signal_subscriptions(self):
        return ocds_hooks.signal_subscriptions()

    # IFacets
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return facets.add_facets(facets_dict, package_type)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return facets.add_organization_facets(facets_dict)

    # IDCATURIGenerator: one RDF node per record (dcat/profile/uris.py)
    def dataset_uri(self, dataset_dict: dict[str, Any], default_uri: str) -> str | None:
        return dcat_uris.dataset_uri(dataset_dict, default_uri)

    def resource_uri(self, resource_dict: dict[str, Any], default_uri: str) -> str | None:
        return dcat_uris.resource_uri(resource_dict, default_uri)
