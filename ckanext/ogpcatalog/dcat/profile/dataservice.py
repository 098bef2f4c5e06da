"""DCAT-AP 3 data services as records of their own (issue 20): ``dcat:DataService`` with
``dcat:endpointURL``, ``dcat:endpointDescription`` and ``dcat:servesDataset``.

A data service is a record of type ``data_service`` (schemas/data_service.yaml). It is written
as a ``dcat:DataService`` (never a ``dcat:Dataset``) that the catalogue lists with
``dcat:service`` (``upstream/dcat_catalog_services.py``). Each served dataset is named by its
RDF URI and described in the service's graph (type, title, description: the SEMIC shapes check
``dcat:servesDataset`` values by class); a served dataset of another catalogue (an IRI the
portal does not hold) is described by its IRI.

On harvest, the services a catalogue lists with ``dcat:service`` are records too
(:func:`harvest_refs`); their served datasets come back as the names of the portal's datasets
where the portal holds them (by the IRI they were harvested from), else as IRIs.
"""
from __future__ import annotations

from typing import Any

from rdflib import URIRef
from rdflib.namespace import DCAT, RDF

import ckanext.ogpcatalog.dcat.profile.series as series
from ckanext.ogpcatalog.dcat.profile.common import as_list

SERVICE_TYPE = "data_service"


def harvest_refs(graph) -> list:
    """The records of a harvested graph: series first (their releases name them), then
    datasets, then the data services the catalogue lists (``dcat:service``)."""
    refs: list = []
    for kind in (DCAT.DatasetSeries, DCAT.Dataset):
        for ref in graph.subjects(RDF.type, kind):
            if ref not in refs:
                refs.append(ref)
    for _catalog, _p, ref in graph.triples((None, DCAT.service, None)):
        if ref not in refs and (ref, RDF.type, DCAT.DataService) in graph:
            refs.append(ref)
    return refs


def _iri(value: Any) -> URIRef | None:
    text = str(value or "").strip()
    return URIRef(text) if text.lower().startswith(("http://", "https://")) else None


def serialize(serializer, dataset_dict: dict[str, Any], dataset_ref) -> None:
    if dataset_dict.get("type") != SERVICE_TYPE:
        return
    g = serializer.g
    g.remove((dataset_ref, RDF.type, DCAT.Dataset))
    g.add((dataset_ref, RDF.type, DCAT.DataService))
    g.remove((dataset_ref, DCAT.distribution, None))
    for field, predicate in (("endpoint_url", DCAT.endpointURL),
                             ("endpoint_description", DCAT.endpointDescription)):
        g.remove((dataset_ref, predicate, None))
        ref = _iri(dataset_dict.get(field))
        if ref is not None:
            g.add((dataset_ref, predicate, ref))
    g.remove((dataset_ref, DCAT.servesDataset, None))
    for value in served(dataset_dict):
        package = series.find_package(value)
        if package is None and _iri(value) is None:
            continue  # a dataset of the portal gone private or deleted
        ref = series.package_uri(package) if package is not None else URIRef(value)
        g.add((dataset_ref, DCAT.servesDataset, ref))
        series.describe_dataset(serializer, ref, package, value)


def served(dataset_dict: dict[str, Any]) -> list[str]:
    return [str(v).strip() for v in as_list(dataset_dict.get("serves_dataset"))
            if str(v).strip()]


def parse(parser, fields: dict[str, Any]) -> None:
    d = parser.d
    for field, predicate in (("endpoint_url", DCAT.endpointURL),
                             ("endpoint_description", DCAT.endpointDescription)):
        d.pop(field, None)
        if field not in fields:
            continue
        for obj in parser.g.objects(parser.ref, predicate):
            if _iri(obj) is not None:
                d[field] = str(obj).strip()
                break
    d.pop("serves_dataset", None)
    if "serves_dataset" not in fields:
        return
    values: list[str] = []
    for obj in parser.g.objects(parser.ref, DCAT.servesDataset):
        if not isinstance(obj, URIRef):
            continue
        package = series.find_package(str(obj))
        value = package.name if package is not None else str(obj)
        if value not in values:
            values.append(value)
    if values:
        d["serves_dataset"] = values

