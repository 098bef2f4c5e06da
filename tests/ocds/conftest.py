"""Fixtures of the OCDS tests: the offline schema from the shared corpus, a guard that fails any
connection beyond this machine, and a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import http.server
import ipaddress
import socket
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from ckanext.ogpcatalog.ocds import standard

DATA = Path(__file__).resolve().parents[1] / "data" / "ocds"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ocds"
LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}


class NetworkAttempt(AssertionError):
    pass


def _is_ip(host: str) -> bool:
    """A literal address needs no DNS; connecting to it is still guarded."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def no_network(monkeypatch) -> list[str]:
    """Every OCDS test runs offline: a connection (or DNS lookup) to any host but this machine
    fails the test."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if isinstance(address, tuple) and address[0] not in LOCAL_HOSTS:
            attempts.append(str(address))
            raise NetworkAttempt(f"network access attempted: {address}")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if host not in LOCAL_HOSTS and host is not None and not _is_ip(host):
            attempts.append(str(host))
            raise NetworkAttempt(f"DNS lookup attempted: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


@pytest.fixture(scope="session")
def schema_dir() -> str:
    if not (CORPUS / "schema-1.1.5" / "release-schema.json").is_file():
        pytest.skip(f"the OCDS 1.1.5 schema of the shared corpus is not at {CORPUS / 'schema-1.1.5'}")
    return str(CORPUS / "schema-1.1.5")


@pytest.fixture(scope="session")
def standard_zip_path(schema_dir, tmp_path_factory) -> str:
    """A ZIP in the standard repository's layout, built from the corpus at test time."""
    path = tmp_path_factory.mktemp("ocds-standard") / "standard-1__1__5.zip"
    path.write_bytes(standard.standard_zip(schema_dir))
    return str(path)


@pytest.fixture
def ocds_settings(ckan_config, monkeypatch, schema_dir) -> dict[str, Any]:
    """The portal's OCDS settings for tests: the corpus schema, 127.0.0.1 reachable, small limits."""
    settings = {
        "ckanext.ogpcatalog.ocds.standard_zip": schema_dir,
        "ckanext.ogpcatalog.ocds.allowed_private_addresses": "127.0.0.1",
        "ckanext.ogpcatalog.ocds.timeout": "5",
        "ckanext.ogpcatalog.ocds.max_attempts": "3",
        "ckanext.ogpcatalog.ocds.retry_delay": "60",
    }
    for key, value in settings.items():
        monkeypatch.setitem(ckan_config, key, value)
    return settings


def fixture_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


class Routes(dict):
    """path -> (status, body, headers) served by :func:`http_server`."""

    hits: dict[str, int]


@pytest.fixture
def http_server() -> Iterator[tuple[str, Routes]]:
    routes = Routes()
    routes.hits = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            routes.hits[self.path] = routes.hits.get(self.path, 0) + 1
            status, body, headers = routes.get(self.path, (404, b"not found", {}))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", routes
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (a server that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/releases.json"
