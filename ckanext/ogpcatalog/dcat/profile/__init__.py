"""The portal's RDF profile, last in the chain ``euro_dcat_ap_3 euro_dcat_ap_scheming ogpcatalog``.

ckanext-dcat recognises multilingual fields only by ``fluent*`` validators; ours use the
bilingual presets of :mod:`ckanext.ogpcatalog.fields.bilingual`, so this profile does the
language work itself. The class only wires ckanext-dcat's hooks to the two directions:

* :mod:`.serialize`: dataset dict (or the catalogue) -> triples;
* :mod:`.parse`: graph -> dataset dict, with the values it could not keep listed under
  ``PARSE_ERRORS_KEY`` and ``PARSE_WARNINGS_KEY`` (the harvester pops and reports them);
* :mod:`.common`: what both share (keys, languages, the portal lookups cached per instance).

Importing the package guards ckanext-dcat's serializer (:mod:`ckanext.ogpcatalog.upstream.
dcat_serializer`): a profile that fails on one dataset is logged and skipped for it, never
a 500 for the whole catalogue.
"""
from __future__ import annotations

from typing import Any

from ckanext.dcat.profiles import RDFProfile

from ckanext.ogpcatalog.dcat.profile.common import (
    ACTION_PLAN_KEY, PARSE_ERRORS_KEY, PARSE_WARNINGS_KEY, Lookups)
from ckanext.ogpcatalog.dcat.profile.parse import DatasetParser
from ckanext.ogpcatalog.dcat.profile.serialize import Serializer
from ckanext.ogpcatalog.upstream.dcat_catalog_services import list_services_as_services
from ckanext.ogpcatalog.upstream.dcat_ntriples import add_ntriples_format
from ckanext.ogpcatalog.upstream.dcat_serializer import guard_rdf_serializer

__all__ = ["ACTION_PLAN_KEY", "OgpCatalogProfile", "PARSE_ERRORS_KEY", "PARSE_WARNINGS_KEY"]

guard_rdf_serializer()
add_ntriples_format()
list_services_as_services()


class OgpCatalogProfile(RDFProfile):
    """DCAT-AP 3 with the portal's bilingual fields, institutions and dataset types."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = Lookups()

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref) -> None:
        Serializer(self, self.lookups).dataset(dataset_dict, dataset_ref)

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref) -> None:
        Serializer(self, self.lookups).catalog(catalog_dict, catalog_ref)

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref) -> dict[str, Any]:
        return DatasetParser(self, self.lookups, dataset_dict, dataset_ref).run()
