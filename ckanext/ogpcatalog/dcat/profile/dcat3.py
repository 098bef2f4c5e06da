"""The DCAT-AP 3 parts the anchors publish (issue 20), hooked into the profile's two
directions with one call each:

* :mod:`.series`: dataset series and their navigation;
* :mod:`.dataservice`: data services as records;
* :mod:`.legislation`: applicable legislation (the obligations' legal basis) and HVD categories;
* :mod:`.quality`: the MQA measurements as W3C DQV.

A step that fails for one record is logged and skipped: the record is written with the rest.
"""
from __future__ import annotations

import logging
from typing import Any

import ckanext.ogpcatalog.dcat.profile.dataservice as dataservice
import ckanext.ogpcatalog.dcat.profile.legislation as legislation
import ckanext.ogpcatalog.dcat.profile.quality as quality
import ckanext.ogpcatalog.dcat.profile.series as series

log = logging.getLogger(__name__)

SERIALIZE_STEPS = (series.serialize, dataservice.serialize, legislation.serialize,
                   quality.serialize)
PARSE_STEPS = (series.parse, dataservice.parse, legislation.parse)
harvest_refs = dataservice.harvest_refs


def serialize(serializer, dataset_dict: dict[str, Any], dataset_ref) -> None:
    for step in SERIALIZE_STEPS:
        try:
            step(serializer, dataset_dict, dataset_ref)
        except Exception:  # one part must not take the record (or the feed) down
            log.exception("RDF: %s.%s could not write dataset %s", step.__module__,
                          step.__name__, dataset_dict.get("name") or dataset_dict.get("id"))


def link_records(dataset: dict[str, Any]) -> None:
    """At import: the series and served datasets named by IRI that the same harvest imported
    before (series come first, data services last: :func:`harvest_refs`) are linked by name."""
    for field, wanted_type in (("in_series", series.SERIES_TYPE), ("serves_dataset", None)):
        if dataset.get(field):
            linked = series.link_names(dataset[field], wanted_type)
            if linked is not None:
                dataset[field] = linked


def parse(parser, fields: dict[str, Any]) -> None:
    for step in PARSE_STEPS:
        step(parser, fields)
