"""Quick corpus conformance (issue 20), part of ``make test`` when ``../shared/corpus`` exists.

A handful of representative real catalogues (Argentina's national data.json, DCAT-AP-ES,
NTI-RISP, the multilingual ones) is served from a 127.0.0.1 server and harvested for real; then
every page of ``/catalog.ttl`` and each harvested dataset's ``.ttl`` is validated with pySHACL
against the SEMIC DCAT-AP 3.0.1 shapes: zero violations. The literals' language tags survive
(German stays ``@de``, Catalan ``@ca``, never relabelled ``@es``). The whole corpus is
``make conformance-corpus`` (tests/dcat/test_conformance_corpus.py, ~45 minutes; .ci/run).

When the corpus is absent the module is skipped, and says so plainly.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate
from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckan.tests.helpers import call_action

from tests.dcat import harvest_server as hs

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "dcat"
SHAPES = CORPUS / "dcat-ap-semic" / "3.0.1_shacl_dcat-ap-SHACL.ttl"
SH = Namespace("http://www.w3.org/ns/shacl#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

# (file under the corpus, harvest source configuration)
FILES: list[tuple[str, dict]] = [
    ("argentina/datos.gob.ar_data.json_2017_72datasets.json", {"format": "datajson-argentina"}),
    ("dcat-ap-es/ttl/E_DCAT-AP-ES_Catalog.ttl", {"format": "turtle"}),
    ("dcat-ap-es/rdf/E_DCAT-AP-ES_full_optional.rdf", {"format": "rdf/xml"}),
    ("ckanext-dcat/dcat/dataset_multilingual.ttl", {"format": "turtle"}),
    ("dcat-ap-ch/1894.xml", {"format": "rdf/xml"}),
    ("dcat-ap-it/dataset_it_esempio_6.rdf", {"format": "rdf/xml"}),
]

pytestmark = [
    pytest.mark.skipif(not SHAPES.is_file(),
                       reason=f"SKIPPED: the shared corpus is not at {CORPUS} (quick corpus "
                              "conformance needs ../shared/corpus and its SEMIC shapes)"),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG),
]


def load_shapes() -> rdflib.Graph:
    """The SEMIC shapes, without the ``sh:property`` references to shapes the file does not
    define (3.0.1's DataServiceShape names one: pySHACL refuses to run on any graph holding a
    dcat:DataService otherwise)."""
    shapes = rdflib.Graph().parse(SHAPES)
    for shape, _p, property_shape in list(shapes.triples((None, SH.property, None))):
        if not list(shapes.triples((property_shape, SH.path, None))):
            shapes.remove((shape, SH.property, property_shape))
    return shapes


def violations(graph: rdflib.Graph, shapes: rdflib.Graph) -> list[str]:
    """The SHACL violations of ``graph`` as "path | message | value" lines."""
    _conforms, report, _text = validate(graph, shacl_graph=shapes, inference="none",
                                        advanced=True, allow_warnings=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        found.append(" | ".join(str(report.value(result, p)) for p in (
            SH.resultPath, SH.resultMessage, SH.value, SH.focusNode)))
    return found


def catalogue_graphs(app) -> list[rdflib.Graph]:
    """Every page of /catalog.ttl, parsed."""
    first = app.get("/catalog.ttl")
    assert first.status_code == 200
    graph = rdflib.Graph().parse(data=first.body, format="turtle")
    last = 1
    for page in graph.objects(None, HYDRA.last):
        match = re.search(r"[?&]page=(\d+)", str(page))
        last = max(last, int(match.group(1))) if match else last
    graphs = [graph]
    for number in range(2, last + 1):
        response = app.get(f"/catalog.ttl?page={number}")
        assert response.status_code == 200
        graphs.append(rdflib.Graph().parse(data=response.body, format="turtle"))
    return graphs


def harvest_files(server, files: list[tuple[str, dict]] = FILES) -> dict[str, list[dict]]:
    receptor = hs.institution("receptor", "Portal receptor", "Receiving portal")
    harvested = {}
    for number, (relative, config) in enumerate(files):
        path = CORPUS / relative
        content_type = {".json": "application/json", ".ttl": "text/turtle"}.get(
            path.suffix, "application/rdf+xml")
        url = server.serve(f"/quick/{number}{path.suffix}", path.read_bytes(), content_type)
        source = hs.source(url, receptor["id"], name=f"quick-{number}",
                           config={**config, "language_normalization": False})
        job, _results = hs.harvest(source["id"])
        found = call_action("package_search", fq=f"harvest_source_id:{source['id']}",
                            include_private=True, rows=1000)["results"]
        assert found, (relative, hs.job_messages(job)[:5])
        harvested[relative] = found
    return harvested


def test_quick_corpus_harvested_and_served_conforms_to_dcat_ap_3(app, server):
    shapes = load_shapes()
    harvested = harvest_files(server)
    problems: list[str] = []
    for number, graph in enumerate(catalogue_graphs(app), start=1):
        problems += [f"/catalog.ttl?page={number}: {v}" for v in violations(graph, shapes)]
    for relative, datasets in harvested.items():
        for dataset in datasets[:5]:  # the catalogue pages already hold every dataset
            response = app.get(f"/dataset/{dataset['name']}.ttl")
            assert response.status_code == 200
            graph = rdflib.Graph().parse(data=response.body, format="turtle")
            problems += [f"{relative} /dataset/{dataset['name']}.ttl: {v}"
                         for v in violations(graph, shapes)]
    summary = Counter(line.split(" | ")[0].split(": ", 1)[-1] for line in problems)
    print(f"\nquick corpus: {sum(len(d) for d in harvested.values())} datasets from "
          f"{len(harvested)} files; {len(problems)} SHACL violations by path: {dict(summary)}")
    assert problems == [], "\n".join(problems[:40])


def test_quick_corpus_keeps_each_literal_language(app, server):
    """German and French titles stay @de/@fr, Catalan values are kept as @ca."""
    harvest_files(server, [f for f in FILES if "multilingual" in f[0] or "1894" in f[0]])
    graph = rdflib.Graph()
    for page in catalogue_graphs(app):
        graph += page
    languages = Counter(t.language for d in graph.subjects(RDF.type, DCAT.Dataset)
                        for t in graph.objects(d, DCTERMS.title))
    titles = {str(t): t.language for d in graph.subjects(RDF.type, DCAT.Dataset)
              for t in graph.objects(d, DCTERMS.title)}
    assert titles.get("Statistisches Jahrbuch der Schweiz 1894") == "de", languages
    assert "ca" in languages, languages
    relabelled = [text for text, language in titles.items()
                  if text == "Statistisches Jahrbuch der Schweiz 1894" and language != "de"]
    assert relabelled == []
