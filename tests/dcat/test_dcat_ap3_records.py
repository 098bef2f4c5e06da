"""DCAT-AP 3 records of issue 20, served: dataset series with their navigation, applicable
legislation from the obligations and HVD categories, data services listed as services, and
the quality measurements as DQV; each record's RDF also validates against SEMIC's shapes where
the shared corpus is present (tests/dcat/test_conformance_quick.py's harness)."""
from __future__ import annotations

import pytest
import rdflib
from ckan.tests.helpers import call_action
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

import ckan.plugins.toolkit as tk

from tests.dcat import dcat_ap3_portal as ap3
from tests.dcat import test_conformance_quick as quick

DCATAP = Namespace("http://data.europa.eu/r5r/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
OGPC = Namespace("https://w3id.org/ogpcatalog#")
SITE = "http://test.ckan.net"

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def ttl(app, name: str) -> rdflib.Graph:
    response = app.get(f"/dataset/{name}.ttl")
    assert response.status_code == 200, response.body[:500]
    return rdflib.Graph().parse(data=response.body, format="turtle")


def uri(package: dict) -> URIRef:
    return URIRef(f"{SITE}/dataset/{package['id']}")


def test_series_is_a_dataset_series_with_first_and_last_by_coverage(app):
    built = ap3.build()
    series, releases = built["series"], built["releases"]
    graph = ttl(app, ap3.SERIES)
    ref = uri(series)
    assert (ref, RDF.type, DCAT.DatasetSeries) in graph
    assert (ref, RDF.type, DCAT.Dataset) in graph
    # created 2023, 2021, 2022: the order is the coverage's, not the creation's
    assert graph.value(ref, DCAT.first) == uri(releases[2021])
    assert graph.value(ref, DCAT.last) == uri(releases[2023])
    assert list(graph.objects(ref, DCAT.distribution)) == []


def test_release_names_its_series_and_its_neighbours(app):
    built = ap3.build()
    series, releases = built["series"], built["releases"]
    graph = ttl(app, "compras-publicas-2022")
    ref = uri(releases[2022])
    assert graph.value(ref, DCAT.inSeries) == uri(series)
    assert graph.value(ref, DCAT.prev) == uri(releases[2021])
    assert graph.value(ref, DCAT.next) == uri(releases[2023])
    # the series is described in the release's own graph (the shapes check it by class)
    assert (uri(series), RDF.type, DCAT.DatasetSeries) in graph
    assert str(graph.value(uri(series), DCTERMS.title)) in ("Compras públicas anuales",
                                                           "Yearly public procurement")
    first = ttl(app, "compras-publicas-2021")
    assert first.value(uri(releases[2021]), DCAT.prev) is None
    assert first.value(uri(releases[2021]), DCAT.next) == uri(releases[2022])


def test_a_new_release_becomes_the_last_with_no_other_edit(app):
    built = ap3.build()
    newest = call_action("package_create", context=ap3.portal.site(), **ap3.release(2024))
    graph = ttl(app, ap3.SERIES)
    assert graph.value(uri(built["series"]), DCAT.last) == uri(newest)
    previous = ttl(app, "compras-publicas-2023")
    assert previous.value(uri(built["releases"][2023]), DCAT.next) == uri(newest)


def test_series_field_refuses_what_is_not_a_series_by_name(app):
    ap3.build()
    with pytest.raises(tk.ValidationError) as error:
        call_action("package_create", context=ap3.portal.site(),
                    **ap3.release(2030, in_series=["compras-publicas-2021"]))
    assert "in_series" in error.value.error_dict
    assert "compras-publicas-2021" in str(error.value.error_dict["in_series"])
    # a series of another catalogue, by its IRI, is fine
    created = call_action("package_create", context=ap3.portal.site(), **ap3.release(
        2031, in_series=["https://otro.example.org/serie/compras"]))
    assert created["in_series"] == ["https://otro.example.org/serie/compras"]
    graph = ttl(app, created["name"])
    series = URIRef("https://otro.example.org/serie/compras")
    assert graph.value(uri(created), DCAT.inSeries) == series
    assert (series, RDF.type, DCAT.DatasetSeries) in graph


def test_obligations_legal_basis_and_hvd_become_applicable_legislation(app):
    built = ap3.build()
    release = built["releases"][2023]
    graph = ttl(app, release["name"])
    ref = uri(release)
    legislation = set(graph.objects(ref, DCATAP.applicableLegislation))
    lotaip = URIRef(f"{SITE}/legislation/lotaip-art-19")
    losncp = URIRef(f"{SITE}/legislation/ley-organica-del-sistema-nacional-de-contratacion-publica")
    hvd = URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj")
    own = URIRef("https://www.example.gob.ec/leyes/losncp")
    assert {lotaip, losncp, hvd, own} <= legislation, legislation
    for law in legislation:
        assert (law, RDF.type, ELI.LegalResource) in graph
    titles = {str(t) for t in graph.objects(lotaip, ELI.title)}
    assert "Ley Orgánica de Transparencia y Acceso a la Información Pública (LOTAIP), art. 19" \
        in titles
    # the distributions carry their dataset's legal basis
    [distribution] = graph.objects(ref, DCAT.distribution)
    assert set(graph.objects(distribution, DCATAP.applicableLegislation)) == legislation
    assert set(graph.objects(ref, DCATAP.hvdCategory)) == {
        URIRef("http://data.europa.eu/bna/c_e1da4e07")}


def test_a_dataset_without_obligation_has_only_its_own_legislation(app):
    ap3.build()
    created = call_action("package_create", context=ap3.portal.site(), **ap3.release(
        2040, tag_string="compras", hvd_category=[], applicable_legislation=[]))
    graph = ttl(app, created["name"])
    assert list(graph.objects(uri(created), DCATAP.applicableLegislation)) == []
    assert list(graph.objects(uri(created), DCATAP.hvdCategory)) == []


def test_unknown_hvd_category_is_refused_naming_the_field(app):
    ap3.build()
    with pytest.raises(tk.ValidationError) as error:
        call_action("package_create", context=ap3.portal.site(),
                    **ap3.release(2050, hvd_category=["c_nothing"]))
    assert "hvd_category" in error.value.error_dict


def test_data_service_is_listed_as_a_service_with_endpoint_and_served_dataset(app):
    built = ap3.build()
    service, served = built["service"], built["releases"][2023]
    response = app.get("/catalog.ttl")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.body, format="turtle")
    ref = uri(service)
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    assert (catalog, DCAT.service, ref) in graph
    assert (catalog, DCAT.dataset, ref) not in graph
    assert (catalog, DCAT.dataset, uri(served)) in graph
    assert (ref, RDF.type, DCAT.DataService) in graph
    assert (ref, RDF.type, DCAT.Dataset) not in graph
    assert graph.value(ref, DCAT.endpointURL) == URIRef("https://api.example.gob.ec/ocds/v1/")
    assert graph.value(ref, DCAT.endpointDescription) == \
        URIRef("https://api.example.gob.ec/ocds/v1/openapi.json")
    assert graph.value(ref, DCAT.servesDataset) == uri(served)
    own = ttl(app, ap3.SERVICE)
    assert (uri(served), RDF.type, DCAT.Dataset) in own  # described for the shapes
    assert own.value(uri(served), DCTERMS.title) is not None


def test_data_service_needs_its_endpoint_and_known_datasets(app):
    ap3.build()
    with pytest.raises(tk.ValidationError) as error:
        call_action("package_create", context=ap3.portal.site(), type="data_service",
                    name="sin-endpoint", owner_org="sercop",
                    title_translated={"es": "Sin endpoint"}, serves_dataset=["no-existe"])
    assert "endpoint_url" in error.value.error_dict
    assert "no-existe" in str(error.value.error_dict["serves_dataset"])


def test_quality_points_are_published_as_dqv(app):
    built = ap3.build()
    release = built["releases"][2021]
    graph = ttl(app, release["name"])
    ref = uri(release)
    measurements = {graph.value(m, DQV.isMeasurementOf): graph.value(m, DQV.value).toPython()
                    for m in graph.objects(ref, DQV.hasQualityMeasurement)}
    from ckanext.ogpcatalog.metrics import quality
    points = quality.dataset_points(release["id"])
    assert measurements[OGPC.interoperabilityPoints] == pytest.approx(points["interoperability"])
    assert measurements[OGPC.qualityScore] == pytest.approx(points["score"])
    assert set(measurements) >= {OGPC.findabilityPoints, OGPC.accessibilityPoints,
                                 OGPC.reusabilityPoints, OGPC.contextualityPoints}
    assert (OGPC.interoperabilityPoints, DQV.inDimension, OGPC.Interoperability) in graph


@pytest.mark.skipif(not quick.SHAPES.is_file(),
                    reason=f"SKIPPED: the shared corpus is not at {quick.CORPUS} (SEMIC "
                           "DCAT-AP 3.0.1 shapes)")
def test_every_new_record_and_the_catalogue_conform_to_semic_shapes(app):
    ap3.build()
    shapes = quick.load_shapes()
    problems = []
    for name in (ap3.SERIES, ap3.SERVICE, "compras-publicas-2021", "compras-publicas-2022",
                 "compras-publicas-2023"):
        problems += [f"{name}: {v}" for v in quick.violations(ttl(app, name), shapes)]
    for number, graph in enumerate(quick.catalogue_graphs(app), start=1):
        problems += [f"catalog page {number}: {v}" for v in quick.violations(graph, shapes)]
    assert problems == [], "\n".join(problems[:20])


def test_record_pages_of_the_new_types_answer_and_the_service_links_its_datasets(app):
    ap3.build()
    assert app.get("/dataset/compras-publicas-2022").status_code == 200
    service = app.get(f"/data_service/{ap3.SERVICE}")
    assert service.status_code == 200
    assert "https://api.example.gob.ec/ocds/v1/" in service.body
    assert 'href="/dataset/compras-publicas-2023"' in service.body
    assert app.get(f"/dataset_series/{ap3.SERIES}").status_code == 200


@pytest.mark.parametrize("lang, series_title, category, heading", [
    ("es", "Compras públicas anuales", "Estadísticas", "Serie y base legal"),
    ("en", "Yearly public procurement", "Statistics", "Series and legal basis"),
])
def test_release_page_shows_its_series_legislation_and_hvd_category(
        app, lang, series_title, category, heading):
    ap3.build()
    prefix = "" if lang == "es" else "/en"
    body = app.get(f"{prefix}/dataset/compras-publicas-2022").body
    section = body.split('class="ogpcatalog-legal-basis"', 1)[1].split("</tbody>", 1)[0]
    assert heading in section
    assert f'href="{prefix}/dataset/{ap3.SERIES}"' in section or \
        f'href="/dataset/{ap3.SERIES}"' in section
    assert series_title in section
    assert "https://www.example.gob.ec/leyes/losncp" in section
    assert category in section and "c_e1da4e07" not in section
