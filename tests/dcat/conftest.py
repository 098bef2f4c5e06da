"""Fixtures of the harvester tests."""
from __future__ import annotations

import pytest

from tests.dcat import harvest_server as hs


@pytest.fixture(scope="module")
def server():
    """The catalogue server of a test module (tests/dcat/harvest_server.py)."""
    srv = hs.HarvestServer().start()
    yield srv
    srv.stop()
