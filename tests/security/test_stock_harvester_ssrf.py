"""Issue 16 item 2: ckanext-dcat's stock ``dcat_rdf`` harvester goes through the same URL guard
as the portal's own ``ogpcatalog_dcat``: at source creation, at update and at fetch (an
institution editor made the server fetch loopback through it). The creation form defaults to
the portal's own type."""
from __future__ import annotations

import re

import pytest

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
from ckan import model
from ckan.tests.helpers import call_action

from tests.net.recording_server import RecordingServer

HARVEST_KEY = "ckanext.ogpcatalog.harvest.allowed_private_addresses"
CATALOGUE = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<http://datos.example.gob/catalogo> a dcat:Catalog ; dcat:dataset <http://datos.example.gob/d/1> .
<http://datos.example.gob/d/1> a dcat:Dataset ; dct:title "Uno" ; dct:identifier "d-1" .
"""

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def loopback():
    server = RecordingServer("127.0.0.1").start()
    server.routes["/catalogo.ttl"] = (200, {"Content-Type": "text/turtle"}, CATALOGUE)
    yield server
    server.stop()


@pytest.fixture
def institution():
    editor = factories.User()
    sysadmin = factories.Sysadmin()
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    return {"editor": editor["name"], "sysadmin": sysadmin["name"], "org": org["id"]}


def _create(user: str, org: str, url: str, source_type: str = "dcat_rdf", name: str = "fuente"):
    return call_action("harvest_source_create", {"user": user}, name=name, title="Fuente",
                       url=url, source_type=source_type, frequency="MANUAL", owner_org=org)


def _set_url_directly(source_id: str, url: str) -> None:
    """A source URL written past every action (the database, an older version, a migration)."""
    from ckanext.harvest.model import HarvestSource

    model.Package.get(source_id).url = url
    HarvestSource.get(source_id).url = url
    model.Session.commit()


def _gather(source_id: str):
    from ckanext.harvest.model import HarvestJob, HarvestSource
    from ckanext.harvest.tests.factories import HarvestJobObj
    from ckanext.harvest.tests.lib import run_harvest_job

    job = HarvestJobObj(source=HarvestSource.get(source_id), run=False)
    run_harvest_job(job, p.get_plugin("dcat_rdf_harvester"))
    job = HarvestJob.get(job.id)
    return [error.message for error in job.gather_errors]


@pytest.mark.parametrize("source_type", ["dcat_rdf", "ogpcatalog_dcat"])
@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "localhost", "100.100.100.200"])
def test_editor_cannot_create_a_source_of_any_type_on_an_internal_address(
        institution, loopback, source_type, host):
    url = f"http://{host}:{loopback.port}/catalogo.ttl"
    with pytest.raises(tk.ValidationError) as refused:
        _create(institution["editor"], institution["org"], url, source_type)
    assert "url" in refused.value.error_dict
    assert loopback.hits == []


def test_editor_cannot_point_an_existing_stock_source_at_loopback(institution, loopback):
    source = _create(institution["editor"], institution["org"],
                     "https://datos.example.gob/catalogo.ttl")
    with pytest.raises(tk.ValidationError) as refused:
        call_action("harvest_source_update", {"user": institution["editor"]},
                    id=source["id"], name=source["name"], title=source["title"],
                    url=loopback.url("/catalogo.ttl"), source_type="dcat_rdf",
                    frequency="MANUAL", owner_org=institution["org"])
    assert "url" in refused.value.error_dict


def test_a_stock_source_with_a_malformed_port_is_a_field_error(institution):
    with pytest.raises(tk.ValidationError) as refused:
        _create(institution["editor"], institution["org"], "http://datos.example.gob:99999/c.ttl")
    assert "url" in refused.value.error_dict


def test_a_stock_source_inserted_directly_fetches_nothing_from_loopback(institution, loopback):
    source = _create(institution["sysadmin"], institution["org"],
                     "https://datos.example.gob/catalogo.ttl")
    _set_url_directly(source["id"], loopback.url("/catalogo.ttl"))

    errors = _gather(source["id"])

    assert loopback.hits == []
    assert any("private or reserved" in error or "privada o reservada" in error
               for error in errors), errors


def test_a_stock_source_never_reads_a_local_file(institution, tmp_path):
    secret = tmp_path / "catalogo.ttl"
    secret.write_bytes(CATALOGUE)
    source = _create(institution["sysadmin"], institution["org"],
                     "https://datos.example.gob/catalogo.ttl")
    _set_url_directly(source["id"], str(secret))

    errors = _gather(source["id"])

    assert errors and not any("datos.example.gob" in error for error in errors)
    assert model.Session.query(model.Package).filter_by(type="dataset").count() == 0


def test_a_stock_source_does_not_follow_a_redirect_to_loopback(
        institution, loopback, ckan_config, monkeypatch):
    public = RecordingServer("127.0.0.2").start()
    try:
        monkeypatch.setitem(ckan_config, HARVEST_KEY, "127.0.0.2")
        url = public.redirect("/catalogo.ttl", loopback.url("/catalogo.ttl"))
        source = _create(institution["editor"], institution["org"], url)
        errors = _gather(source["id"])
    finally:
        public.stop()
    assert [hit[1] for hit in public.hits] == ["/catalogo.ttl"]
    assert loopback.hits == []
    assert errors


def test_a_stock_source_on_an_allowed_address_still_harvests(
        institution, loopback, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, HARVEST_KEY, "127.0.0.1")
    source = _create(institution["editor"], institution["org"], loopback.url("/catalogo.ttl"))
    assert _gather(source["id"]) == []
    assert [hit[:2] for hit in loopback.hits] == [("GET", "/catalogo.ttl")]


def test_the_source_form_defaults_to_the_portal_harvester(app):
    sysadmin = factories.SysadminWithToken()
    body = app.get("/harvest/new", headers={"Authorization": sysadmin["token"]}).body
    checked = re.findall(r'name="source_type" value="([^"]+)"\s+checked', body)
    assert checked == ["ogpcatalog_dcat"]
