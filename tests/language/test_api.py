"""API clients get validation errors in the language they ask for: by URL prefix or header."""
from __future__ import annotations

import pytest

from ckan.tests import factories

from ckanext.ogpcatalog.language.api import best_offered_language


def test_header_preference_picks_the_best_offered_language():
    assert best_offered_language("en-US,en;q=0.9,es;q=0.8", ["es", "en"]) == "en"
    assert best_offered_language("fr, es-EC;q=0.5", ["es", "en"]) == "es"
    assert best_offered_language("fr, de", ["es", "en"]) is None
    assert best_offered_language("en;q=0, es;q=0.1", ["es", "en"]) == "es"


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.parametrize("path, headers, expected", [
    ("/api/3/action/package_create", {}, "Idioma desconocido"),
    ("/en/api/3/action/package_create", {}, "Unknown language"),
    ("/api/3/action/package_create", {"Accept-Language": "en-GB,en;q=0.9"}, "Unknown language"),
    ("/api/3/action/package_create", {"Accept-Language": "es-EC"}, "Idioma desconocido"),
])
def test_validation_errors_come_in_the_requested_language(app, path, headers, expected):
    token = factories.SysadminWithToken()["token"]
    response = app.post(path, json={"name": "idioma", "title_translated": {"fr": "Un"}},
                        headers={"Authorization": token, **headers}, status=409)
    assert expected in response.json["error"]["title_translated"][0]


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_schema_choice_errors_of_ckanext_scheming_come_in_spanish(app):
    token = factories.SysadminWithToken()["token"]
    response = app.post("/api/3/action/package_create",
                        json={"name": "tema", "theme": ["NOPE"]},
                        headers={"Authorization": token}, status=409)
    assert response.json["error"]["theme"] == ['opción no válida: "NOPE"']
