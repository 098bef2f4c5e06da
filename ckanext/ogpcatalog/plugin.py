"""The main ckanext-ogpcatalog plugin: wiring only; each capability lives in its own module."""
from __future__ import annotations

from pathlib import Path

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation


def i18n_directory() -> str:
    """The catalogues: top-level `i18n/` in a checkout, `ckanext/ogpcatalog/i18n` in a wheel."""
    checkout = Path(__file__).resolve().parents[2] / "i18n"
    if checkout.is_dir():
        return str(checkout)
    return str(Path(__file__).resolve().parent / "i18n")


@tk.blanket.cli
@tk.blanket.validators
class OgpCatalogPlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer
    def update_config(self, config: CKANConfig):
        tk.add_template_directory(config, "templates")

    # ITranslation
    def i18n_directory(self) -> str:
        return i18n_directory()

    def i18n_domain(self) -> str:
        return "ckanext-ogpcatalog"
