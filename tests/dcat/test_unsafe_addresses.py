"""A distribution whose address a resource may not link to (``javascript:``, ``data:``) is
imported without that address, with a notice: the record is not refused whole (the resource
schema refuses such URLs since issue 18; a harvest must not lose the dataset for it)."""
from __future__ import annotations

import pytest

from ckan.tests.helpers import call_action

from tests.dcat import harvest_server as hs
from tests.dcat.harvest_server import english_reports  # noqa: F401 (fixture)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)]

CATALOGUE = b"""
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://datos.example.gob/catalogo> a dcat:Catalog ;
    dcat:dataset <https://datos.example.gob/dataset/agua> .
<https://datos.example.gob/dataset/agua> a dcat:Dataset ;
    dct:identifier "agua" ;
    dct:title "Calidad del agua"@es ;
    dct:description "Mediciones de la calidad del agua potable"@es ;
    dcat:distribution <https://datos.example.gob/dataset/agua/csv>,
        <https://datos.example.gob/dataset/agua/js> .
<https://datos.example.gob/dataset/agua/csv> a dcat:Distribution ;
    dct:title "Mediciones"@es ;
    dcat:accessURL <https://datos.example.gob/files/agua.csv> ;
    dct:format "CSV" .
<https://datos.example.gob/dataset/agua/js> a dcat:Distribution ;
    dct:title "Enlace raro"@es ;
    dcat:accessURL <javascript:alert(1)> ;
    dcat:downloadURL <data:text/html,hola> ;
    dct:format "HTML" .
"""


def test_a_distribution_with_a_javascript_address_is_kept_without_it(server, english_reports):
    org = hs.institution("senagua", "Secretaría del Agua", "Water Secretariat")
    url = server.serve("/unsafe/catalogo.ttl", CATALOGUE)
    source = hs.source(url, org["id"], name="unsafe-addresses", config={"format": "turtle"})
    job, _results = hs.harvest(source["id"])

    datasets = call_action("package_search", fq=f"harvest_source_id:{source['id']}",
                           include_private=True)["results"]
    assert [d["title"] for d in datasets] == ["Calidad del agua"], hs.job_messages(job)
    resources = {r["name"]: r for r in datasets[0]["resources"]}
    assert resources["Mediciones"]["url"] == "https://datos.example.gob/files/agua.csv"
    unsafe = resources["Enlace raro"]
    assert not unsafe["url"] and not unsafe.get("download_url") and not unsafe.get("access_url")
    messages = hs.job_messages(job)
    # (the profile already leaves a javascript: access URL out; the data: download URL, which
    # becomes the resource's url, is the one the resource schema would refuse)
    assert any("data:" in m and "Enlace raro" in m for m in messages), messages
