"""Fetching remote OCDS files: a real HTTP server on 127.0.0.1, limits and refusals."""
from __future__ import annotations

import pytest

from ckanext.ogpcatalog.ocds import fetch

from .conftest import fixture_bytes

pytestmark = pytest.mark.usefixtures("ocds_settings")


def test_file_is_fetched(http_server):
    base, routes = http_server
    routes["/releases.json"] = (200, fixture_bytes("release-package-valid.json"), {})
    assert fetch.fetch_url(f"{base}/releases.json") == fixture_bytes("release-package-valid.json")


def test_redirect_is_followed(http_server):
    base, routes = http_server
    routes["/old.json"] = (302, b"", {"Location": "/new.json"})
    routes["/new.json"] = (200, b"{}", {})
    assert fetch.fetch_url(f"{base}/old.json") == b"{}"


def test_file_over_the_size_limit_is_refused(http_server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.ogpcatalog.ocds.max_bytes", "100")
    base, routes = http_server
    routes["/big.json"] = (200, b" " * 101, {})
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch_url(f"{base}/big.json")
    assert (error.value.code, error.value.retryable, error.value.params["limit"]) == ("too_large", False, 100)


def test_server_error_is_retryable(http_server):
    base, routes = http_server
    routes["/down.json"] = (503, b"maintenance", {})
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch_url(f"{base}/down.json")
    assert (error.value.code, error.value.retryable, error.value.params["status"]) == ("http_error", True, 503)


def test_not_found_is_final(http_server):
    base, _routes = http_server
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch_url(f"{base}/missing.json")
    assert (error.value.code, error.value.retryable) == ("http_error", False)


def test_server_down_is_retryable(closed_port_url):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch_url(closed_port_url)
    assert (error.value.code, error.value.retryable) == ("unreachable", True)


def test_private_address_is_refused_unless_allowed(http_server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.ogpcatalog.ocds.allowed_private_addresses", "")
    base, routes = http_server
    routes["/releases.json"] = (200, b"{}", {})
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch_url(f"{base}/releases.json")
    assert error.value.code == "private_address"
    assert routes.hits == {}


def test_redirect_to_a_private_address_is_refused(http_server, ckan_config, monkeypatch):
    base, routes = http_server
    routes["/hop.json"] = (302, b"", {"Location": "http://10.0.0.1/secret.json"})
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch_url(f"{base}/hop.json")
    assert (error.value.code, error.value.params["address"]) == ("private_address", "10.0.0.1")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x.json", "file:///etc/passwd", "releases.json"])
def test_non_http_addresses_are_refused(url):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch_url(url)
    assert error.value.code == "bad_url"
