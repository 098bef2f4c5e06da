"""Servers of the guarded client's tests: an allow-listed "public" one on 127.0.0.2 and
internal targets on 127.0.0.1, ::1 and 127.0.0.3 that must never be reached."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.net.recording_server import RecordingServer

# The allow-list of these tests: 127.0.0.2 plays a public host; every other loopback stays refused.
ALLOWED = "127.0.0.2"


def _serving(host: str) -> Iterator[RecordingServer]:
    server = RecordingServer(host).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def public_server() -> Iterator[RecordingServer]:
    yield from _serving("127.0.0.2")


@pytest.fixture(scope="module")
def internal_servers() -> Iterator[dict[str, RecordingServer]]:
    servers = {host: RecordingServer(host).start() for host in ("127.0.0.1", "::1", "127.0.0.3")}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(autouse=True)
def clear_hits(request) -> None:
    for name in ("public_server", "internal_servers"):
        if name in request.fixturenames:
            value = request.getfixturevalue(name)
            for server in (value.values() if isinstance(value, dict) else [value]):
                server.hits.clear()
