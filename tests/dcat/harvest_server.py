"""A real HTTP server on 127.0.0.1 serving the fixture catalogues and scripted misbehaviours.

Paths:

* ``/file/<name>``: a file of ``tests/data/dcat/harvest/`` (``{base}`` replaced by the server's
  address), with the content type of its extension; ``/paged/<n>`` pages 1 and 2,
  ``/looping/<n>`` a never-ending pagination.
* :attr:`HarvestServer.routes`: path -> ``(status, headers, body)`` or a callable
  ``(handler) -> None`` for the misbehaviours (drip feed, truncated body, gzip bomb...).
"""
from __future__ import annotations

import contextlib
import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "dcat" / "harvest"
CONTENT_TYPES = {".ttl": "text/turtle", ".rdf": "application/rdf+xml",
                 ".jsonld": "application/ld+json", ".json": "application/json",
                 ".html": "text/html; charset=utf-8"}


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def send_body(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = dict(headers or {})
        headers.setdefault("Content-Length", str(len(body)))
        headers.setdefault("Connection", "close")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self.server.hits.append(self.path)
        base = self.server.base_url.encode()
        route = self.server.routes.get(self.path)
        if callable(route):
            route(self)
            return
        if route is not None:
            status, headers, body = route
            self.send_body(status, body.replace(b"{base}", base), headers)
            return
        parts = self.path.strip("/").split("/")
        try:
            if parts[0] == "file" and len(parts) == 2 and (DATA / parts[1]).is_file():
                body = fixture(parts[1]).replace(b"{base}", base)
                ctype = CONTENT_TYPES.get(Path(parts[1]).suffix, "application/octet-stream")
                self.send_body(200, body, {"Content-Type": ctype})
                return
            if parts[0] == "paged" and parts[1] in ("1", "2"):
                body = fixture(f"page{parts[1]}.ttl").replace(b"{base}", base)
                self.send_body(200, body, {"Content-Type": "text/turtle"})
                return
            if parts[0] == "looping":
                page = int(parts[1])
                body = fixture("looping.ttl").replace(b"{base}", base) \
                    .replace(b"{page}", str(page).encode()).replace(b"{next}", str(page + 1).encode())
                self.send_body(200, body, {"Content-Type": "text/turtle"})
                return
        except (IndexError, ValueError):
            pass
        self.send_body(404, b"not found", {"Content-Type": "text/plain"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    routes: dict[str, Any]
    hits: list[str]
    base_url: str


class HarvestServer:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.routes = {}
        self._server.hits = []
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._server.base_url = self.base_url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def routes(self) -> dict[str, Any]:
        return self._server.routes

    @property
    def hits(self) -> list[str]:
        return self._server.hits

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> "HarvestServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve(self, path: str, body: bytes, content_type: str = "text/turtle",
              status: int = 200, **headers: str) -> str:
        self.routes[path] = (status, {"Content-Type": content_type, **headers}, body)
        return self.url(path)

    def script(self, path: str, behaviour: Callable[[_Handler], None]) -> str:
        self.routes[path] = behaviour
        return self.url(path)



@contextlib.contextmanager
def serving(body: bytes, path: str = "/catalogo.ttl",
            content_type: str = "text/turtle; charset=utf-8") -> Iterator[str]:
    """One document served on 127.0.0.1 for the duration of the block; yields its URL."""
    server = HarvestServer().start()
    try:
        yield server.serve(path, body, content_type)
    finally:
        server.stop()


@pytest.fixture
def english_reports(monkeypatch):
    """Job-report messages as their English msgids (tests assert on them; the portal writes
    them in its default language, see test_fetch_guards)."""
    from ckanext.ogpcatalog.dcat import fetch
    monkeypatch.setattr(fetch, "_default_language_gettext", lambda message: message)


# --- scripted misbehaviours -------------------------------------------------------------

def drip_feed(handler: _Handler, seconds: float = 30.0) -> None:
    """Answer 200 then send one byte every 0.2 s for a long time."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/turtle")
    handler.send_header("Connection", "close")
    handler.end_headers()
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            handler.wfile.write(b"#")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def truncated(handler: _Handler) -> None:
    body = fixture("catalog.ttl")
    handler.send_response(200)
    handler.send_header("Content-Type", "text/turtle")
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    handler.close_connection = True


def endless(handler: _Handler) -> None:
    """A small Content-Length-less answer that never ends (up to 20 MB)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/turtle")
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b"# padding " * 6500
    try:
        for _ in range(300):
            handler.wfile.write(chunk)
    except OSError:
        pass
    handler.close_connection = True


def lying_length(handler: _Handler) -> None:
    """Claims 100 bytes, keeps sending megabytes."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/turtle")
    handler.send_header("Content-Length", "100")
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b"# padding " * 6500
    try:
        for _ in range(300):
            handler.wfile.write(chunk)
    except OSError:
        pass
    handler.close_connection = True


_BOMB: bytes | None = None


def gzip_bomb(handler: _Handler) -> None:
    """About 100 KB of gzip that inflates to 100 MB."""
    global _BOMB
    if _BOMB is None:
        _BOMB = gzip.compress(b"#" * (100 * 1024 * 1024), compresslevel=9)
    handler.send_body(200, _BOMB, {"Content-Type": "text/turtle", "Content-Encoding": "gzip"})


def gzipped(name: str) -> Callable[[_Handler], None]:
    def behaviour(handler: _Handler) -> None:
        handler.send_body(200, gzip.compress(fixture(name)),
                          {"Content-Type": "text/turtle", "Content-Encoding": "gzip"})
    return behaviour


def redirect(target: str, status: int = 302) -> Callable[[_Handler], None]:
    def behaviour(handler: _Handler) -> None:
        handler.send_body(status, b"", {"Location": target})
    return behaviour


# --- CKAN side: institutions, sources, harvests -----------------------------------------

RUC_MSP = "1760001550001"  # a public-institution RUC with a valid check digit
ALLOW_LOCAL_CONFIG = ("ckanext.ogpcatalog.harvest.allowed_private_addresses", "127.0.0.1")


def site_context() -> dict[str, Any]:
    from ckan.tests.helpers import call_action
    return {"user": call_action("get_site_user")["name"]}


def institution(name: str, es: str, en: str, ruc: str | None = None) -> dict[str, Any]:
    from ckan.tests.helpers import call_action
    fields: dict[str, Any] = {"institution_type": "agency", "sector": "07",
                              "government_level": "national"}
    if ruc:
        fields.update(legal_identifier_scheme="EC-RUC", legal_identifier=ruc)
    return call_action("organization_create", context=site_context(), name=name,
                       title_translated={"es": es, "en": en}, **fields)


def source(url: str, org_id: str, config: dict | None = None, name: str = "catalogo-msp",
           **context: Any) -> dict[str, Any]:
    import json

    from ckan.tests.helpers import call_action
    return call_action("harvest_source_create", context=context or site_context(), name=name,
                       title="Catálogo " + name, url=url, source_type="ogpcatalog_dcat",
                       frequency="MANUAL", owner_org=org_id,
                       config=json.dumps(config) if config else "")


def harvest(source_id: str):
    """Run one harvest job synchronously; returns (job, results by guid)."""
    from ckanext.harvest.model import HarvestJob, HarvestSource
    from ckanext.harvest.tests.factories import HarvestJobObj
    from ckanext.harvest.tests.lib import run_harvest_job

    from ckanext.ogpcatalog.dcat.harvester import OgpCatalogHarvester

    job = HarvestJobObj(source=HarvestSource.get(source_id), run=False)
    results = run_harvest_job(job, OgpCatalogHarvester())
    return HarvestJob.get(job.id), results


def job_messages(job) -> list[str]:
    from ckan import model
    from ckanext.harvest.model import HarvestObject, HarvestObjectError

    messages = [e.message for e in job.gather_errors]
    messages += [e.message for e in model.Session.query(HarvestObjectError).join(
        HarvestObject).filter(HarvestObject.harvest_job_id == job.id)]
    # the records' notices (unknown publishers): not errors, but the report shows them
    from ckanext.ogpcatalog.dcat.publishers import job_notices
    messages += [n["message"] for n in job_notices(job.id)]
    return messages


def source_datasets(org_id: str | None = None) -> dict[str, dict[str, Any]]:
    """Active datasets by title (harvested or not), optionally of one institution."""
    from ckan import model
    query = model.Session.query(model.Package).filter(model.Package.state == "active",
                                                      model.Package.type != "harvest")
    if org_id:
        query = query.filter(model.Package.owner_org == org_id)
    return {pkg.title: {"id": pkg.id, "owner_org": pkg.owner_org,
                        "metadata_modified": pkg.metadata_modified, "type": pkg.type}
            for pkg in query}


def update_source(src: dict[str, Any], **changes: Any) -> dict[str, Any]:
    import json

    from ckan.tests.helpers import call_action
    data = {key: src[key] for key in ("id", "name", "title", "url", "source_type", "frequency",
                                      "owner_org")}
    data["config"] = src.get("config") or ""
    data.update(changes)
    if isinstance(data["config"], dict):
        data["config"] = json.dumps(data["config"])
    return call_action("harvest_source_update", context=site_context(), **data)
