"""The pages: the badge and mismatches on the dataset page, the report page, the POST forms."""
from __future__ import annotations

import pytest

import ckan.lib.jobs as ckan_jobs
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.ocds import jobs

from .conftest import fixture_bytes
from .helpers import editor_and_org, procurement


@pytest.fixture
def validated(with_plugins, clean_db, ocds_settings, http_server):
    base, routes = http_server
    routes["/roto.json"] = (200, fixture_bytes("release-package-invalid.json"), {})
    routes["/bien.json"] = (200, fixture_bytes("release-package-valid.json"), {})
    user, org = editor_and_org()
    dataset = procurement(user, org, [
        {"url": base + "/roto.json", "format": "JSON", "name": "Entregas con errores"},
        {"url": base + "/bien.json", "format": "JSON", "name": "Entregas correctas"},
        {"url": "https://datos.example.gob/procesos.csv", "format": "CSV", "name": "Procesos CSV"},
    ], stages=["planning"])
    for resource in dataset["resources"][:2]:
        jobs.validate_resource(resource["id"])
    ckan_jobs.get_queue().empty()
    return user, org, dataset


def _page(app, dataset, user=None, language=""):
    headers = {"Authorization": user["token"]} if user else {}
    return app.get(f"{language}/procurement/{dataset['name']}", headers=headers).get_data(as_text=True)


def test_dataset_page_shows_a_badge_per_ocds_resource(app, validated):
    _user, _org, dataset = validated
    body = _page(app, dataset)
    assert body.count("ogpcatalog-ocds-badge") == 2
    assert "ogpcatalog-ocds-invalid" in body and "ogpcatalog-ocds-valid" in body
    report = f"/dataset/{dataset['name']}/ocds/{dataset['resources'][0]['id']}"
    assert report in body


def test_dataset_page_shows_mismatches_to_everyone_but_the_form_to_editors(app, validated):
    user, _org, dataset = validated
    anonymous = _page(app, dataset)
    assert "ogpcatalog-ocds-mismatches" in anonymous and 'data-field="stages"' in anonymous
    assert "ogpcatalog-ocds-suggestions" not in anonymous
    assert "ogpcatalog-ocds-suggestions" in _page(app, dataset, user)


def test_report_page_lists_grouped_errors(app, validated):
    _user, _org, dataset = validated
    response = app.get(f"/dataset/{dataset['name']}/ocds/{dataset['resources'][0]['id']}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'data-type="closed_codelist"' in body and "subasta" in body
    assert 'data-type="required"' in body
    assert '<html lang="es"' in body


def test_report_page_in_english(app, validated):
    _user, _org, dataset = validated
    body = app.get(f"/en/dataset/{dataset['name']}/ocds/{dataset['resources'][0]['id']}").get_data(as_text=True)
    assert "Code not in a closed codelist" in body
    assert "Errors" in body


def test_report_of_a_valid_file(app, validated):
    _user, _org, dataset = validated
    body = app.get(f"/en/dataset/{dataset['name']}/ocds/{dataset['resources'][1]['id']}").get_data(as_text=True)
    assert "ogpcatalog-ocds-no-errors" in body
    assert "ocds-abc123" in body


def test_report_of_a_resource_without_validation_is_404(app, validated):
    _user, _org, dataset = validated
    assert app.get(f"/dataset/{dataset['name']}/ocds/{dataset['resources'][2]['id']}").status_code == 404
    assert app.get(f"/dataset/{dataset['name']}/ocds/nope").status_code == 404


def test_validate_again_button_for_editors_only(app, validated):
    user, _org, dataset = validated
    url = f"/dataset/{dataset['name']}/ocds/{dataset['resources'][0]['id']}"
    assert "/validate" not in app.get(url).get_data(as_text=True)
    assert app.post(url + "/validate").status_code == 403
    response = app.post(url + "/validate", headers={"Authorization": user["token"]}, follow_redirects=False)
    assert response.status_code == 302
    assert [job.args[0] for job in ckan_jobs.get_queue().jobs] == [dataset["resources"][0]["id"]]


def test_apply_form_fills_the_chosen_fields(app, validated):
    user, _org, dataset = validated
    response = app.post(f"/dataset/{dataset['name']}/ocds/suggestions", data={"fields": ["stages"]},
                        headers={"Authorization": user["token"]}, follow_redirects=False)
    assert response.status_code == 302
    assert call_action("package_show", id=dataset["id"])["stages"] == ["tender", "award", "contract"]


def test_apply_form_refuses_strangers(app, validated):
    _user, _org, dataset = validated
    response = app.post(f"/dataset/{dataset['name']}/ocds/suggestions", data={"fields": ["stages"]})
    assert response.status_code == 403
    assert call_action("package_show", id=dataset["id"])["stages"] == ["planning"]
