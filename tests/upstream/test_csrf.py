"""CSRF protection: on for the forms, and an anonymous request cannot switch it off for
the logged-in users who come after it (CKAN 2.12.0's process-wide exemption, the class of
CVE-2026-41255; fixed by ckanext/ogpcatalog/upstream/csrf_exemptions.py)."""
from __future__ import annotations

import re

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)]

TOKEN_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _log_in(app, user: dict, password: str = "correct horse battery staple") -> None:
    page = app.get("/user/login")
    token = TOKEN_RE.search(page.body).group(1)
    response = app.post("/user/login", data={"login": user["name"], "password": password,
                                             "_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 302, response.body[:500]


@pytest.fixture
def dataset_and_editor():
    editor = factories.User(password="correct horse battery staple")
    institution = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=institution["id"], title="Título original")
    return dataset, editor


def _edit_without_token(app, dataset: dict):
    return app.post(f"/dataset/edit/{dataset['name']}",
                    data={"title_translated-es": "Cambiado por un sitio ajeno", "name": dataset["name"],
                          "save": ""}, status=None, follow_redirects=False)


def test_logged_in_form_post_without_csrf_token_is_refused(app, dataset_and_editor):
    dataset, editor = dataset_and_editor
    _log_in(app, editor)
    response = _edit_without_token(app, dataset)
    assert response.status_code == 400
    assert call_action("package_show", id=dataset["id"])["title"] == "Título original"


def test_anonymous_request_does_not_exempt_the_page_for_later_logged_in_users(app, dataset_and_editor):
    dataset, editor = dataset_and_editor
    # The "priming" request: anonymous, to the same view (CKAN 2.12.0 exempted it for good).
    app.post(f"/dataset/edit/{dataset['name']}", data={"title": "x"}, status=None)
    app.get(f"/dataset/edit/{dataset['name']}", status=None)
    _log_in(app, editor)
    response = _edit_without_token(app, dataset)
    assert response.status_code == 400
    assert call_action("package_show", id=dataset["id"])["title"] == "Título original"


def test_api_token_requests_stay_exempt_and_work(app, dataset_and_editor):
    dataset, editor = dataset_and_editor
    token = call_action("api_token_create", context={"user": editor["name"]},
                        user=editor["name"], name="script")["token"]
    response = app.post("/api/3/action/package_patch", json={"id": dataset["id"], "version": "2"},
                        headers={"Authorization": token})
    assert response.json["result"]["version"] == "2"
    # ...and the exemption that request had did not outlive it.
    _log_in(app, editor)
    assert _edit_without_token(app, dataset).status_code == 400


def test_form_with_its_token_still_saves(app, dataset_and_editor):
    dataset, editor = dataset_and_editor
    _log_in(app, editor)
    form = app.get(f"/dataset/edit/{dataset['name']}")
    token = TOKEN_RE.search(form.body).group(1)
    response = app.post(f"/dataset/edit/{dataset['name']}",
                        data={"_csrf_token": token, "name": dataset["name"], "title_translated-es": "Título nuevo",
                              "license_id": "cc-by", "owner_org": dataset["owner_org"], "save": ""},
                        follow_redirects=False, status=None)
    assert response.status_code == 302, response.body[:3000]
    assert call_action("package_show", id=dataset["id"])["title"] == "Título nuevo"
