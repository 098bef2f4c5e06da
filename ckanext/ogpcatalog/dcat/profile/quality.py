"""The MQA measurements of a dataset as W3C DQV (issue 20, ``dqv:hasQualityMeasurement``).

The points are those of the portal's quality score (``metrics/sql.py``, the data.europa.eu
Metadata Quality Assessment weights), read from the dataset's metrics facts: one
``dqv:QualityMeasurement`` per dimension (findability, accessibility, interoperability,
reusability, contextuality), one for the total score, and one for the DCAT-AP compliance found
by the last SHACL run on the dataset's own RDF (``metrics/quality.py``), each with its
``dqv:isMeasurementOf`` metric (``ogpc:`` terms, docs/vocabulary.md) and ``dqv:value``. A
dataset without facts yet has no measurements (never invented ones).
"""
from __future__ import annotations

from typing import Any

from rdflib import BNode, Literal, Namespace
from rdflib.namespace import RDF, XSD

from ckanext.ogpcatalog.dcat import vocabulary as v
from ckanext.ogpcatalog.metrics import quality as mqa

DQV = Namespace("http://www.w3.org/ns/dqv#")
METRICS = {
    "findability": v.OGPC.findabilityPoints,
    "accessibility": v.OGPC.accessibilityPoints,
    "interoperability": v.OGPC.interoperabilityPoints,
    "reusability": v.OGPC.reusabilityPoints,
    "contextuality": v.OGPC.contextualityPoints,
    "score": v.OGPC.qualityScore,
}
DIMENSIONS = {
    "findability": v.OGPC.Findability,
    "accessibility": v.OGPC.Accessibility,
    "interoperability": v.OGPC.Interoperability,
    "reusability": v.OGPC.Reusability,
    "contextuality": v.OGPC.Contextuality,
}


def serialize(serializer, dataset_dict: dict[str, Any], dataset_ref) -> None:
    points = mqa.dataset_points(dataset_dict.get("id"))
    if points is None:
        return
    g = serializer.g
    g.bind("dqv", DQV)
    for key, metric in METRICS.items():
        value = points.get(key)
        if value is None:
            continue
        _measurement(g, dataset_ref, metric, Literal(round(float(value), 2), datatype=XSD.decimal))
        g.add((metric, RDF.type, DQV.Metric))
        if key in DIMENSIONS:
            g.add((metric, DQV.inDimension, DIMENSIONS[key]))
            g.add((DIMENSIONS[key], RDF.type, DQV.Dimension))
    if points.get("dcat_ap_compliant") is not None:
        _measurement(g, dataset_ref, v.OGPC.dcatApCompliance,
                     Literal(bool(points["dcat_ap_compliant"]), datatype=XSD.boolean))
        g.add((v.OGPC.dcatApCompliance, RDF.type, DQV.Metric))
        g.add((v.OGPC.dcatApCompliance, DQV.inDimension, DIMENSIONS["interoperability"]))


def _measurement(g, dataset_ref, metric, value: Literal) -> None:
    node = BNode()
    g.add((node, RDF.type, DQV.QualityMeasurement))
    g.add((node, DQV.computedOn, dataset_ref))
    g.add((node, DQV.isMeasurementOf, metric))
    g.add((node, DQV.value, value))
    g.add((dataset_ref, DQV.hasQualityMeasurement, node))
