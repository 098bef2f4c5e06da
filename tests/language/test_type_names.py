"""CKAN's pages name the portal's types in the visitor's language, not by machine name."""
from __future__ import annotations

import pytest

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.mark.parametrize("path, expected, machine", [
    ("/commitment/", ["Compromisos"], "Commitments"),
    ("/en/commitment/", ["Commitments"], "Commitments s"),
    ("/procurement/", ["Contratación pública"], "Procurements"),
    ("/action-plan/", ["Planes de acción"], "Action-plans"),
    ("/en/action-plan/", ["Action plans"], "Action-plans"),
])
def test_search_pages_use_the_types_names(app, path, expected, machine):
    body = app.get(path).body
    for text in expected:
        assert text in body
    assert machine not in body


def test_forms_use_the_types_names(app):
    headers = {"Authorization": factories.SysadminWithToken()["token"]}
    assert "Crear compromiso" in app.get("/commitment/new", headers=headers).body
    assert "Create commitment" in app.get("/en/commitment/new", headers=headers).body
    assert "Crear plan de acción" in app.get("/action-plan/new", headers=headers).body
    assert "Crear conjunto de contratación pública" in app.get("/procurement/new", headers=headers).body
