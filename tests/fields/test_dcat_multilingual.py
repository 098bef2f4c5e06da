"""Bilingual values are what ckanext-dcat's multilingual RDF expects: a dataset serializes to
language-tagged literals (dct:title "…"@es, "…"@en), the form the DCAT issue reads and writes."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from ckan.tests import factories, helpers
from ckanext.dcat.processors import RDFSerializer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_bilingual_title_and_description_become_language_tagged_literals():
    dataset = factories.Dataset(
        title_translated={"es": "Calidad del aire", "en": "Air quality"},
        notes_translated={"es": "Mediciones horarias", "en": "Hourly measurements"})
    shown = helpers.call_action("package_show", id=dataset["id"])
    serializer = RDFSerializer(profiles=["euro_dcat_ap_3", "euro_dcat_ap_scheming"])
    dataset_ref = serializer.graph_from_dataset(shown)
    graph = serializer.g
    assert set(graph.objects(URIRef(dataset_ref), DCTERMS.title)) == {
        Literal("Calidad del aire", lang="es"), Literal("Air quality", lang="en")}
    assert set(graph.objects(URIRef(dataset_ref), DCTERMS.description)) == {
        Literal("Mediciones horarias", lang="es"), Literal("Hourly measurements", lang="en")}
