"""The portal's DCAT-AP 3 output (catalogue and each dataset type, bilingual values, resources)
conforms to the official DCAT-AP 3.0.1 SHACL shapes: zero violations."""
from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from tests.dcat import portal

SHAPES = (Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "dcat"
          / "dcat-ap-semic" / "3.0.1_shacl_dcat-ap-SHACL.ttl")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    if not SHAPES.is_file():
        pytest.skip(f"The DCAT-AP 3 SHACL shapes are not in the corpus ({SHAPES})")
    return Graph().parse(SHAPES)


def _results(data: Graph, shapes: Graph) -> tuple[list[str], list[str]]:
    """(violations, warnings) as readable lines."""
    conforms, report, _text = validate(data, shacl_graph=shapes, inference="none",
                                       advanced=True, allow_warnings=True)
    violations, warnings = [], []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        line = " | ".join(str(report.value(result, p)) for p in (
            SH.focusNode, SH.resultPath, SH.resultMessage, SH.value))
        severity = report.value(result, SH.resultSeverity)
        (violations if severity == SH.Violation else warnings).append(line)
    return violations, warnings


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_served_catalogue_of_every_type_conforms_to_dcat_ap_3_shapes(app, shapes):
    created = portal.build()
    response = app.get("/catalog.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.body, format="turtle")
    # every type is in the catalogue, with its class of our vocabulary
    for dataset in created.values():
        assert any(str(s).endswith(dataset["id"]) for s in graph.subjects())
    violations, warnings = _results(graph, shapes)
    print("\n".join(["SHACL warnings:", *warnings]))
    assert violations == [], "\n".join(violations)


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_dataset_endpoints_of_each_type_and_format_conform(app, shapes):
    created = portal.build()
    formats = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
    for extension, rdf_format in formats.items():
        for dataset in created.values():
            response = app.get(f"/dataset/{dataset['name']}.{extension}")
            assert response.status_code == 200, (dataset["type"], extension)
            graph = Graph().parse(data=response.body, format=rdf_format)
            assert (None, None, None) in graph
            violations, _warnings = _results(graph, shapes)
            assert violations == [], (dataset["type"], extension, violations)
