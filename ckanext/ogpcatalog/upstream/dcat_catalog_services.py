"""ckanext-dcat 2.4.4 lists every record of the catalogue with ``dcat:dataset``.

``RDFSerializer.serialize_catalog`` adds ``<catalogue> dcat:dataset <record>`` for each record
after the profiles ran, unless ``_add_source_catalog`` answers a (harvest source) catalogue.
A data service (our ``data_service`` records, ``dcat:DataService``) is listed with
``dcat:service`` in DCAT-AP 3, and the SEMIC shapes check ``dcat:dataset`` values by class
(``dcat:Dataset``): listed as a dataset, a service is a violation.

The wrapped ``_add_source_catalog`` installed by :func:`list_services_as_services` lists a data
service with ``dcat:service`` (on the harvest source's catalogue when there is one, else on the
root catalogue) and answers that catalogue, so that the serializer adds no ``dcat:dataset``.

Works around: ckanext-dcat 2.4.4 (``ckanext.dcat.processors.RDFSerializer.serialize_catalog``).
Installed when the portal's profile is imported (``dcat/profile/__init__.py``).
Drop when: ckanext-dcat lists data services with ``dcat:service``; then remove the call in
``dcat/profile/__init__.py`` (tests/dcat/test_dcat_ap3_records.py must still pass).
"""
from __future__ import annotations

from typing import Any

from rdflib.namespace import DCAT

from ckanext.dcat.processors import RDFSerializer

SERVICE_TYPE = "data_service"
# a re-import must not wrap the wrapper
UPSTREAM_ADD_SOURCE_CATALOG = getattr(RDFSerializer._add_source_catalog, "upstream",
                                      RDFSerializer._add_source_catalog)


def _add_source_catalog(self: RDFSerializer, root_catalog_ref, dataset_dict: dict[str, Any],
                        dataset_ref):
    catalog_ref = UPSTREAM_ADD_SOURCE_CATALOG(self, root_catalog_ref, dataset_dict, dataset_ref)
    if dataset_dict.get("type") != SERVICE_TYPE:
        return catalog_ref
    target = catalog_ref or root_catalog_ref
    self.g.remove((target, DCAT.dataset, dataset_ref))
    self.g.add((target, DCAT.service, dataset_ref))
    return target


_add_source_catalog.upstream = UPSTREAM_ADD_SOURCE_CATALOG  # type: ignore[attr-defined]


def list_services_as_services() -> None:
    """Install the wrapped ``_add_source_catalog`` (idempotent)."""
    if RDFSerializer._add_source_catalog is not _add_source_catalog:
        RDFSerializer._add_source_catalog = _add_source_catalog
