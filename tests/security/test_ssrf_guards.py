"""Issue 16 items 3 and 7: every outbound fetch (harvest, OCDS, link check) goes through one
guarded client. Real servers on loopback: 127.0.0.2 plays an allow-listed public host, the
servers on 127.0.0.1, [::1] and 127.0.0.3 are internal and must never be reached."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.dcat.fetch import UnsafeUrlError, check_url
from ckanext.ogpcatalog.metrics import linkcheck
from ckanext.ogpcatalog.ocds import fetch as ocds_fetch

from tests.conftest import module_portal
from tests.net.recording_server import RecordingServer, rebinding_dns

LINK_CHECK_KEY = "ckanext.ogpcatalog.metrics.link_check_allowed_private_addresses"
OCDS_KEY = "ckanext.ogpcatalog.ocds.allowed_private_addresses"
INTERNAL_HOSTS = ("127.0.0.1", "::1", "127.0.0.3")


@pytest.fixture(scope="module")
def servers():
    public = RecordingServer("127.0.0.2").start()
    # the internal servers listen on the public one's port: a second DNS answer would reach them
    internal = {host: RecordingServer(host, public.port).start() for host in INTERNAL_HOSTS}
    yield public, internal
    for server in (public, *internal.values()):
        server.stop()


@pytest.fixture(scope="module")
def link_portal(reset_db, migrate_db_for, servers):
    public, internal = servers

    def build():
        sysadmin = factories.Sysadmin()
        context = {"user": sysadmin["name"], "ignore_auth": True}
        org = call_action("organization_create", context=dict(context), name="inec",
                          title_translated={"es": "INEC"}, institution_type="agency")
        urls = {"ok": public.url("/ok.csv"),
                "port_out_of_range": "http://127.0.0.2:99999/datos.csv",
                "metadata": public.redirect("/to-metadata", "http://100.100.100.200/latest/")}
        for host, server in internal.items():
            urls[host] = public.redirect(f"/to/{host}", server.url("/secret.csv"))
        dataset = call_action(
            "package_create", context=dict(context), name="enlaces", owner_org=org["id"],
            title_translated={"es": "Enlaces"},
            resources=[{"url": url, "format": "CSV", "name": name} for name, url in urls.items()])
        return {resource["name"]: resource["id"] for resource in dataset["resources"]}

    yield from module_portal(reset_db, migrate_db_for, build)


def test_link_check_checks_every_redirect_hop_and_survives_a_bad_port(
        link_portal, servers, ckan_config, monkeypatch):
    public, internal = servers
    monkeypatch.setitem(ckan_config, LINK_CHECK_KEY, "127.0.0.2")
    for server in (public, *internal.values()):
        server.hits.clear()

    counts = linkcheck.run_link_check()

    assert counts == {"checked": 6, "ok": 1, "failed": 5}
    for host, server in internal.items():
        assert server.hits == [], f"the link check reached {host}"
    results = linkcheck.results(list(link_portal.values()))
    stored = {name: results[(resource_id, "url")] for name, resource_id in link_portal.items()}
    assert stored["ok"]["ok"] is True
    for name in ("port_out_of_range", "metadata", *INTERNAL_HOSTS):
        assert stored[name]["ok"] is False
        assert stored[name]["error"], name
    assert stored["metadata"]["error"] == "private address 100.100.100.200"
    assert stored["127.0.0.1"]["error"] == "private address 127.0.0.1"


@pytest.mark.parametrize("url", [
    "http://100.100.100.200/latest/meta-data/",  # shared address space: a cloud metadata service
    "http://100.64.0.1/",
    "http://[2002:7f00:1::]/",                   # 6to4 form of 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/",              # NAT64 form of 169.254.169.254
    "http://[::ffff:100.100.100.200]/",
    "http://127.0.0.3/",
])
def test_harvest_guard_refuses_shared_space_and_ipv6_forms_of_internal_addresses(url):
    with pytest.raises(UnsafeUrlError):
        check_url(url)


def test_harvest_guard_reports_a_port_out_of_range_as_an_invalid_url():
    with pytest.raises(UnsafeUrlError) as refused:
        check_url("http://datos.example.gob:99999/catalogo.ttl")
    assert refused.value.msgid == "The URL {url} is not valid."


def test_ocds_fetch_connects_to_the_address_it_checked(servers, ckan_config, monkeypatch):
    """DNS rebinding: the name answers 127.0.0.2 (allowed) first and 127.0.0.1 afterwards."""
    public, internal = servers
    monkeypatch.setitem(ckan_config, OCDS_KEY, "127.0.0.2")
    rebinding_dns(monkeypatch, "ocds.rebind.test", "127.0.0.2", "127.0.0.1")
    public.routes["/releases.json"] = (200, {"Content-Type": "application/json"}, b"{}")
    internal["127.0.0.1"].hits.clear()

    assert ocds_fetch.fetch_url(f"http://ocds.rebind.test:{public.port}/releases.json") == b"{}"
    assert internal["127.0.0.1"].hits == []


@pytest.mark.parametrize("location", ["http://100.100.100.200/latest/", "http://[::1]:{port}/"])
def test_ocds_fetch_refuses_a_redirect_to_internal_addresses(servers, ckan_config, monkeypatch,
                                                            location):
    public, internal = servers
    monkeypatch.setitem(ckan_config, OCDS_KEY, "127.0.0.2")
    internal["::1"].hits.clear()
    url = public.redirect("/ocds-hop.json", location.format(port=public.port))
    with pytest.raises(ocds_fetch.FetchError) as error:
        ocds_fetch.fetch_url(url)
    assert error.value.code == "private_address"
    assert internal["::1"].hits == []


def test_ocds_fetch_reports_a_port_out_of_range_as_a_bad_url():
    with pytest.raises(ocds_fetch.FetchError) as error:
        ocds_fetch.fetch_url("http://datos.example.gob:99999/releases.json")
    assert error.value.code == "bad_url"
