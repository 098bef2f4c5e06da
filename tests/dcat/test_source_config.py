"""Source configurations written for ckanext-dcat's `dcat_rdf` harvester work unchanged on the
portal's harvester (issue 19, item 3): `rdf_format` with rdflib names or media types,
`profiles` as a list or a space-separated string, `default_language`, and ckanext-harvest's
generic options (ignored with a notice); a refused configuration answers in one language."""
from __future__ import annotations

import json

import pytest
import rdflib
from rdflib.namespace import DCAT, RDF

from ckan.tests import factories

from ckanext.ogpcatalog.dcat.source_config import ConfigError, parse_config
from tests.dcat import harvest_server as hs
from tests.dcat.harvest_server import english_reports  # noqa: F401  (fixture)

# rdf_format value -> (rdflib serializer, the portal's rdflib parser)
DCAT_RDF_FORMATS = {
    "text/turtle": ("turtle", "turtle"),
    "application/rdf+xml": ("xml", "xml"),
    "application/ld+json": ("json-ld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "text/n3": ("n3", "n3"),
    "turtle": ("turtle", "turtle"),
    "ttl": ("turtle", "turtle"),
    "xml": ("xml", "xml"),
    "json-ld": ("json-ld", "json-ld"),
    "nt": ("nt", "nt"),
    "n3": ("n3", "n3"),
    "application/trig": ("trig", "trig"),
    "nquads": ("nquads", "nquads"),
}


# --- parsing (no database) ---


@pytest.mark.parametrize("value, expected", [(v, p) for v, (_s, p) in DCAT_RDF_FORMATS.items()])
def test_rdf_format_takes_what_ckanext_dcat_takes(value, expected):
    assert parse_config({"rdf_format": value}).rdflib_format == expected
    assert parse_config(json.dumps({"rdf_format": value.upper()})).rdflib_format == expected


def test_media_type_parameters_are_ignored():
    assert parse_config({"rdf_format": "text/turtle; charset=utf-8"}).rdflib_format == "turtle"


def test_the_portals_own_format_names_still_work():
    assert parse_config({"format": "rdf/xml"}).rdflib_format == "xml"
    assert parse_config({"format": "datajson-us"}).datajson_flavour == "dcat-us"


def test_format_and_rdf_format_must_agree():
    assert parse_config({"format": "turtle", "rdf_format": "text/turtle"}).format == "turtle"
    with pytest.raises(ConfigError) as raised:
        parse_config({"format": "turtle", "rdf_format": "application/rdf+xml"})
    assert raised.value.field == "rdf_format"


def test_unknown_rdf_format_is_refused_naming_the_key_given():
    with pytest.raises(ConfigError) as raised:
        parse_config({"rdf_format": "text/csv"})
    assert raised.value.field == "rdf_format"
    assert "text/turtle" in str(raised.value)


def test_profiles_as_a_space_separated_string():
    assert parse_config({"profiles": "euro_dcat_ap_3 ogpcatalog"}).profiles == \
        ["euro_dcat_ap_3", "ogpcatalog"]


def test_generic_harvester_options_are_ignored_and_listed():
    cfg = parse_config({"rdf_format": "text/turtle", "clean_tags": True, "default_tags": ["a"]})
    assert cfg.ignored == ["clean_tags", "default_tags"]


def test_unknown_keys_are_still_refused():
    with pytest.raises(ConfigError) as raised:
        parse_config({"rdf_format": "text/turtle", "colour": "blue"})
    assert raised.value.field == "colour"


# --- sources created and harvested ---


@pytest.fixture
def org(with_plugins, clean_db):
    return hs.institution("inec", "Instituto Nacional de Estadística y Censos",
                          "National Institute of Statistics and Census")


def _catalogue(server: hs.HarvestServer) -> rdflib.Graph:
    text = hs.fixture("catalog.ttl").replace(b"{base}", server.base_url.encode())
    return rdflib.Graph().parse(data=text, format="turtle")


def _serve_as(server: hs.HarvestServer, serializer: str, path: str) -> tuple[str, int]:
    """The fixture catalogue in another serialization, with a content type that says nothing
    (so only the source's configuration tells the format); returns (url, datasets)."""
    graph = _catalogue(server)
    if serializer in ("trig", "nquads"):
        quads = rdflib.Dataset()
        named = quads.graph(rdflib.URIRef(server.url("/graph")))
        for triple in graph:
            named.add(triple)
        body = quads.serialize(format=serializer, encoding="utf-8")
    else:
        body = graph.serialize(format=serializer, encoding="utf-8")
    url = server.serve(path, body, content_type="application/octet-stream")
    return url, len(set(graph.subjects(RDF.type, DCAT.Dataset)))


def _messages(job) -> list[str]:
    """The job's messages less the notes on the fixture's publishers, not institutions here."""
    return [m for m in hs.job_messages(job) if not m.startswith("Unknown publisher")]


@pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)
@pytest.mark.usefixtures("english_reports")
@pytest.mark.parametrize("value", sorted(DCAT_RDF_FORMATS))
def test_source_with_ckanext_dcat_rdf_format_is_accepted_and_harvests(server, org, value):
    serializer = DCAT_RDF_FORMATS[value][0]
    url, expected = _serve_as(server, serializer, "/dcat-rdf/" + value.replace("/", "-"))
    src = hs.source(url, org["id"], {"rdf_format": value})

    job, _results = hs.harvest(src["id"])

    assert _messages(job) == []
    assert len(hs.source_datasets(org["id"])) == expected > 0


@pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)
@pytest.mark.usefixtures("english_reports")
def test_source_with_every_documented_key_harvests_with_a_notice_for_ignored_ones(server, org):
    url, expected = _serve_as(server, "turtle", "/dcat-rdf/all-keys")
    src = hs.source(url, org["id"], {
        "rdf_format": "text/turtle", "profiles": "euro_dcat_ap_3 euro_dcat_ap_scheming ogpcatalog",
        "default_language": "es", "clean_tags": True})

    job, _results = hs.harvest(src["id"])

    assert _messages(job) == [
        "The option clean_tags of the source configuration does not apply to this harvester "
        "and was ignored."]
    assert len(hs.source_datasets(org["id"])) == expected


# --- a refused configuration, in one language ---


@pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)
@pytest.mark.parametrize("language, expected", [
    ("es", "Error al leer las opciones de configuración: rdf_format: debe ser uno de: "),
    ("en", "Error parsing the configuration options: rdf_format: must be one of: "),
])
def test_invalid_config_error_is_in_the_requests_language(app, server, org, language, expected):
    sysadmin = factories.SysadminWithToken()
    response = app.post("/api/3/action/harvest_source_create", json={
        "name": "fuente-ttl", "title": "Fuente", "url": server.url("/file/catalog.ttl"),
        "source_type": "ogpcatalog_dcat", "frequency": "MANUAL", "owner_org": org["id"],
        "config": json.dumps({"rdf_format": "text/csv"})},
        headers={"Authorization": sysadmin["token"], "Accept-Language": language},
        status=409)
    message = response.json["error"]["config"][0]
    assert message.startswith(expected), message
    english, spanish = ("must", "Error parsing", "one of"), ("debe", "Error al leer", "uno de")
    for word in (english if language == "es" else spanish):
        assert word not in message
