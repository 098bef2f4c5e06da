"""Every CKAN page and action that needs search works on PostgreSQL, with the right datasets."""
from __future__ import annotations

import pytest

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

pytestmark = [pytest.mark.search, pytest.mark.usefixtures("with_plugins", "clean_db")]


@pytest.fixture
def portal():
    editor = factories.User(name="editora")
    org = factories.Organization(name="senplades", title="Secretaría de Planificación",
                                 users=[{"name": editor["name"], "capacity": "editor"}])
    group = factories.Group(name="gobierno-abierto", title="Gobierno abierto")
    dataset = factories.Dataset(name="plan-nacional", title="Plan Nacional de Desarrollo",
                                owner_org=org["id"], groups=[{"id": group["id"]}],
                                tags=[{"name": "planificación"}], user=editor,
                                resources=[{"url": "http://datos.example/plan.csv", "format": "CSV"}])
    private = factories.Dataset(name="borrador-interno", title="Borrador interno",
                                owner_org=org["id"], private=True, user=editor)
    return {"editor": editor, "org": org, "group": group, "dataset": dataset, "private": private}


def test_home_page_counts_datasets(app, portal):
    response = app.get("/")
    assert response.status_code == 200


def test_dataset_search_page_lists_public_datasets_with_facets(app, portal):
    response = app.get("/dataset/", query_string={"q": "desarrollo"})

    assert "Plan Nacional de Desarrollo" in response.body
    assert "Borrador interno" not in response.body
    assert "planificación" in response.body  # tag facet


def test_dataset_search_page_filters_by_facet(app, portal):
    response = app.get("/dataset/", query_string={"tags": "planificación", "res_format": "CSV"})

    assert "Plan Nacional de Desarrollo" in response.body


def test_organization_list_shows_dataset_counts(app, portal):
    anonymous = {"user": "", "ignore_auth": False}
    result = helpers.call_action("organization_list", context=anonymous, all_fields=True)

    assert result[0]["package_count"] == 1  # public datasets only
    assert app.get("/organization/").status_code == 200


def test_organization_page_shows_its_datasets_and_private_ones_to_its_editor(app, portal):
    anonymous = app.get("/organization/senplades")
    editor = app.get("/organization/senplades", headers={"Authorization": _token(portal["editor"])})

    assert "Plan Nacional de Desarrollo" in anonymous.body
    assert "Borrador interno" not in anonymous.body
    assert "Borrador interno" in editor.body


def test_group_page_lists_its_datasets(app, portal):
    response = app.get("/group/gobierno-abierto")

    assert "Plan Nacional de Desarrollo" in response.body


def test_user_page_and_dashboard_list_datasets(app, portal):
    headers = {"Authorization": _token(portal["editor"])}
    user_page = app.get("/user/editora", headers=headers)
    dashboard = app.get("/dashboard/datasets", headers=headers)

    assert "Plan Nacional de Desarrollo" in user_page.body
    assert "Plan Nacional de Desarrollo" in dashboard.body


def test_dataset_autocomplete(app, portal):
    response = app.get("/api/2/util/dataset/autocomplete", query_string={"incomplete": "plan"})

    names = [item["name"] for item in response.json["ResultSet"]["Result"]]
    assert names == ["plan-nacional"]


def test_package_autocomplete_action_matches_title_substring(app, portal):
    result = helpers.call_action("package_autocomplete", q="nacional")

    assert [r["name"] for r in result] == ["plan-nacional"]


def test_harvest_source_list_page(app, portal):
    sysadmin = factories.Sysadmin()
    response = app.get("/harvest", headers={"Authorization": _token(sysadmin)})

    assert response.status_code == 200


def test_dcat_catalog_lists_public_datasets(app, portal):
    response = app.get("/catalog.ttl")

    assert response.status_code == 200
    assert "Plan Nacional de Desarrollo" in response.body
    assert "Borrador interno" not in response.body


def _token(user) -> str:
    return helpers.call_action("api_token_create", context={"user": user["name"]},
                               user=user["name"], name="test")["token"]
