"""The guarded client against real servers on loopback addresses: every hop checked, the checked
address connected to, malformed URLs refused as such, time and size bounded."""
from __future__ import annotations

import socket
import time

import pytest

from ckanext.ogpcatalog.net import client
from ckanext.ogpcatalog.net.client import Limits, OutboundError, RefusedUrl, check_url, open_url

from tests.net.conftest import ALLOWED
from tests.net.recording_server import RecordingServer, closed_port, rebinding_dns, slow

pytestmark = pytest.mark.ckan_config("ckanext.ogpcatalog.net.allowed_addresses", ALLOWED)


def test_an_allowed_address_is_fetched(public_server):
    response, body = client.fetch(public_server.url("/catalog.ttl"))
    assert (response.status, body) == (200, b"# ok\n")
    assert public_server.hits == [("GET", "/catalog.ttl", f"127.0.0.2:{public_server.port}")]


def test_a_redirect_within_allowed_addresses_is_followed(public_server):
    url = public_server.redirect("/moved", "/catalog.ttl", 301)
    response, _body = client.fetch(url)
    assert response.url == public_server.url("/catalog.ttl")
    assert response.redirects == [url]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("internal", ["127.0.0.1", "::1", "127.0.0.3"])
def test_a_redirect_to_an_internal_address_is_refused_before_any_request(
        public_server, internal_servers, internal, method):
    target = internal_servers[internal]
    url = public_server.redirect(f"/to-{internal}", target.url("/secret"))
    with pytest.raises(RefusedUrl) as refused:
        open_url(method, url)
    assert refused.value.code == "refused_address"
    assert target.hits == []


def test_a_redirect_to_the_cloud_metadata_address_is_refused(public_server):
    url = public_server.redirect("/meta", "http://100.100.100.200/latest/meta-data/")
    with pytest.raises(RefusedUrl) as refused:
        open_url("GET", url)
    assert refused.value.params["address"] == "100.100.100.200"


def test_a_second_hop_is_checked_too(public_server, internal_servers):
    target = internal_servers["127.0.0.1"]
    public_server.redirect("/hop2", target.url("/secret"), 307)
    url = public_server.redirect("/hop1", "/hop2")
    with pytest.raises(RefusedUrl):
        open_url("GET", url)
    assert target.hits == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.2:99999/", "http://127.0.0.2:abc/", "http://[::1/", "http:///nohost",
    "ftp://127.0.0.2/x", "file:///etc/passwd", "/etc/passwd", "", "http://exa mple.org/",
])
def test_a_malformed_or_unsupported_url_is_refused_as_such(url):
    with pytest.raises(RefusedUrl):
        open_url("GET", url)


def test_a_redirect_to_a_malformed_url_is_refused(public_server):
    url = public_server.redirect("/bad-port", "http://127.0.0.2:99999/x")
    with pytest.raises(RefusedUrl) as refused:
        open_url("GET", url)
    assert refused.value.code == "invalid_url"


def test_a_name_resolving_to_loopback_is_refused(internal_servers):
    with pytest.raises(RefusedUrl) as refused:
        open_url("GET", f"http://localhost:{internal_servers['127.0.0.1'].port}/")
    assert refused.value.code == "refused_address"
    assert internal_servers["127.0.0.1"].hits == []


def test_a_name_is_resolved_once_and_the_checked_address_is_connected_to(
        public_server, monkeypatch):
    """DNS rebinding: the first answer is the allowed address, every later one loopback (where
    a server listens on the same port)."""
    internal = RecordingServer("127.0.0.1", public_server.port).start()
    lookups = rebinding_dns(monkeypatch, "catalogo.rebind.test", "127.0.0.2", "127.0.0.1")
    try:
        response, _body = client.fetch(f"http://catalogo.rebind.test:{public_server.port}/x")
    finally:
        internal.stop()
    assert response.status == 200
    assert lookups == ["catalogo.rebind.test"]
    assert public_server.hits == [("GET", "/x", f"catalogo.rebind.test:{public_server.port}")]
    assert internal.hits == []


def test_every_resolved_address_must_be_allowed(public_server, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def two_answers(host, port, *args, **kwargs):
        if host == "mixed.test":
            return (real_getaddrinfo("127.0.0.2", port, *args, **kwargs)
                    + real_getaddrinfo("127.0.0.1", port, *args, **kwargs))
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", two_answers)
    with pytest.raises(RefusedUrl):
        check_url(f"http://mixed.test:{public_server.port}/")


def test_too_many_redirects(public_server):
    for n in range(4):
        public_server.redirect(f"/chain/{n}", f"/chain/{n + 1}")
    with pytest.raises(OutboundError) as error:
        open_url("GET", public_server.url("/chain/0"), limits=Limits(max_redirects=2))
    assert error.value.code == "too_many_redirects"


def test_the_body_is_bounded(public_server):
    public_server.routes["/big"] = (200, {"Content-Type": "text/plain"}, b"x" * 5000)
    with pytest.raises(OutboundError) as error:
        client.fetch(public_server.url("/big"), limits=Limits(max_bytes=1000))
    assert error.value.code == "too_large"


def test_the_whole_request_is_bounded_in_time(public_server):
    public_server.routes["/slow"] = (200, {}, slow(5))
    started = time.monotonic()
    with pytest.raises(OutboundError) as error:
        client.fetch(public_server.url("/slow"), limits=Limits(read_timeout=1, deadline=1))
    assert error.value.code in ("read_timeout", "deadline")
    assert time.monotonic() - started < 3


def test_a_closed_port_is_a_connection_error(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.ogpcatalog.net.allowed_addresses", "127.0.0.1")
    with pytest.raises(OutboundError) as error:
        open_url("GET", f"http://127.0.0.1:{closed_port()}/")
    assert error.value.code == "connect_failed"
