"""ckanext-dcat 2.4.4's RDF serializer: one record's failure takes the whole feed down.

``RDFSerializer.graph_from_dataset`` runs every profile of the chain on a dataset with no
guard, so an exception in any profile for one dataset answers 500 for the whole
``/catalog.{ttl,rdf,jsonld}`` page holding it (and for the dataset's own endpoint). The known
case is ckanext-dcat's own round trip: its parser stores a data service's (an access
service's) ``contact`` and ``publisher`` as *lists* of dicts (``_contact_details``,
``_agents_details``), and its serializer (``euro_dcat_ap_2``, inherited by
``euro_dcat_ap_3``) reads them as one dict: ``'list' object has no attribute 'get'`` in
``_add_contact_to_graph`` (harvest ``dcat-ap-es/.../E_DCAT-AP-ES_Catalog_NSIP.rdf``).

The guarded ``graph_from_dataset`` installed by :func:`guard_rdf_serializer`:

* hands the profiles a copy of the dataset whose access services hold one ``contact`` and one
  ``publisher`` dict, as the serializer expects, and writes the other ones itself;
* runs each profile under a guard: a profile that fails for a dataset is logged (dataset,
  profile, error) and the next profiles still run, so the dataset is written with what could
  be written and the catalogue keeps every other dataset.

Works around: ckanext-dcat 2.4.4 (``ckanext.dcat.processors.RDFSerializer`` and
``profiles/euro_dcat_ap_2.py``'s access services). Installed when the portal's profile is
imported (``dcat/profile/__init__.py``), so every caller (the catalogue and dataset
endpoints, the structured data helper, ``ckan dcat``) gets it.
Drop when: ckanext-dcat serialises the access services it parses (a list of contacts and
publishers) and guards per-dataset serialisation; then remove the call in
``dcat/profile/__init__.py`` and keep tests/dcat/test_catalog_survives.py, which must still
pass without it.
"""
from __future__ import annotations

import copy
import json
import logging
from typing import Any

from rdflib import BNode, URIRef
from rdflib.namespace import DCAT, DCTERMS

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles.base import CleanedURIRef
from ckanext.dcat.utils import dataset_uri

log = logging.getLogger(__name__)

UPSTREAM_GRAPH_FROM_DATASET = RDFSerializer.graph_from_dataset  # before the guard
_EXTRA_KEY = "_ogpcatalog_more"  # the contacts/publishers beyond the first, on the copy


def _as_dicts(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _services(resource: Any) -> list[dict[str, Any]]:
    """A resource's access services, stored as a list or as its JSON text."""
    services = resource.get("access_services") if isinstance(resource, dict) else None
    if isinstance(services, str):
        try:
            services = json.loads(services)
        except ValueError:
            return []
    return _as_dicts(services) if isinstance(services, list) else []


def normalise_access_services(dataset_dict: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``dataset_dict`` whose resources' access services have one ``contact`` and
    one ``publisher`` dict each (the first of a list; the rest kept under a private key)."""
    resources = dataset_dict.get("resources")
    if not isinstance(resources, list) or not any(
            isinstance(r, dict) and r.get("access_services") for r in resources):
        return dataset_dict
    dataset_dict = copy.deepcopy(dataset_dict)
    for resource in dataset_dict["resources"]:
        if not isinstance(resource, dict) or not resource.get("access_services"):
            continue
        services = _services(resource)
        for service in services:
            more: dict[str, list[dict[str, Any]]] = {}
            for key in ("contact", "publisher"):
                if key not in service:
                    continue
                items = _as_dicts(service[key])
                if items:
                    service[key] = items[0]
                    more[key] = items[1:]
                else:
                    del service[key]
            if any(more.values()):
                service[_EXTRA_KEY] = more
        resource["access_services"] = services
    return dataset_dict


def _graph_more_agents(serializer: RDFSerializer, profile_class, dataset_dict) -> None:
    """The contacts and publishers of access services beyond the first one."""
    profile = None
    for resource in dataset_dict.get("resources") or []:
        # the profiles write the services back as JSON text, with the blank node they gave
        for service in _services(resource):
            more = service.get(_EXTRA_KEY) or {}
            ref = service.get("uri") or service.get("access_service_ref")
            if not any(more.values()) or not ref:
                continue
            node = CleanedURIRef(ref) if service.get("uri") else BNode(ref)
            if (None, DCAT.accessService, node) not in serializer.g:
                continue
            profile = profile or profile_class(serializer.g,
                                               compatibility_mode=serializer.compatibility_mode)
            for contact in more.get("contact", ()):
                profile._add_contact_to_graph(node, DCAT.contactPoint, contact)
            for publisher in more.get("publisher", ()):
                profile._add_agent_to_graph(node, DCTERMS.publisher, publisher)


def graph_from_dataset(self: RDFSerializer, dataset_dict: dict[str, Any]) -> URIRef:
    """ckanext-dcat's ``graph_from_dataset``, with every profile guarded (see the module)."""
    dataset_ref = URIRef(dataset_uri(dataset_dict))
    dataset_dict = normalise_access_services(dataset_dict)
    for profile_class in self._profiles:
        try:
            profile = profile_class(self.g, compatibility_mode=self.compatibility_mode)
            profile.graph_from_dataset(dataset_dict, dataset_ref)
        except Exception:  # one record must never take the feed down
            log.exception("RDF: profile %s could not write dataset %s (%s); written without "
                          "its part", getattr(profile_class, "__name__", profile_class),
                          dataset_dict.get("name") or dataset_dict.get("id"), dataset_ref)
    if self._profiles:
        try:
            _graph_more_agents(self, self._profiles[0], dataset_dict)
        except Exception:
            log.exception("RDF: the access services' agents of dataset %s could not be "
                          "written", dataset_dict.get("name") or dataset_dict.get("id"))
    return dataset_ref


def guard_rdf_serializer() -> None:
    """Install the guarded ``graph_from_dataset`` on ckanext-dcat's serializer (idempotent)."""
    if RDFSerializer.graph_from_dataset is not graph_from_dataset:
        RDFSerializer.graph_from_dataset = graph_from_dataset
