"""Real HTTP servers on loopback addresses (127.0.0.x, ::1) that record every request they get.

Used by the guarded client's tests and the SSRF regression tests: a server on an allow-listed
address redirects to servers on addresses that must never be reached; their ``hits`` prove it.
"""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _answer(self) -> None:
        self.server.hits.append((self.command, self.path, self.headers.get("Host")))
        status, headers, body = self.server.routes.get(
            self.path, (200, {"Content-Type": "text/turtle"}, b"# ok\n"))
        if callable(body):
            body(self)
            return
        self.send_response(status)
        for key, value in {"Content-Length": str(len(body)), "Connection": "close",
                           **headers}.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = _answer  # noqa: N815


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Any]
    hits: list[tuple[str, str, str | None]]


class _Server6(_Server):
    address_family = socket.AF_INET6


class RecordingServer:
    """``RecordingServer("127.0.0.3").start()``: serves ``routes`` (path -> (status, headers,
    body)); any other path answers 200 with a short Turtle comment."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        server_class = _Server6 if ":" in host else _Server
        self._server = server_class((host, port), _Handler)
        self._server.routes = {}
        self._server.hits = []
        self.host = host
        self.port = self._server.server_address[1]
        netloc = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{netloc}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def routes(self) -> dict[str, Any]:
        return self._server.routes

    @property
    def hits(self) -> list[tuple[str, str, str | None]]:
        return self._server.hits

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = (status, {"Location": location}, b"")
        return self.url(path)

    def start(self) -> "RecordingServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def slow(seconds: float):
    """A body behaviour: answer 200 then wait ``seconds`` before the body."""
    def behaviour(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/turtle")
        handler.send_header("Content-Length", "5")
        handler.end_headers()
        try:
            handler.wfile.flush()
            time.sleep(seconds)
            handler.wfile.write(b"# ok\n")
        except OSError:
            pass
    return behaviour


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def rebinding_dns(monkeypatch, name: str, first: str, later: str) -> list[str]:
    """Make ``name`` resolve to ``first`` once and to ``later`` on every later lookup (a DNS
    rebinding attacker); returns the list of lookups of ``name`` made."""
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host == name:
            lookups.append(host)
            host = first if len(lookups) == 1 else later
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups
