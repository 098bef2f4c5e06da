"""Numbers on core's pages are written as the visitor's language writes them: 1.234 and 1,2 in
Spanish, 1,234 and 1.2 in English (dataset counts, institution and action-plan lists, facet
counts, resource sizes). Thousands would need thousands of datasets, so the snippets that the
pages include are rendered with large counts in each language; the pages are walked with
small ones."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.ogpcatalog.language.context import language_request

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _render(app, lang: str, snippet: str, **extra_vars) -> str:
    with language_request(app.flask_app, lang):
        return " ".join(tk.render_snippet(snippet, extra_vars).split())


@pytest.mark.parametrize("lang, expected", [
    ("es", "1.234 conjuntos de datos encontrados"),
    ("en", "1,234 datasets found"),
])
def test_dataset_search_count(app, lang, expected):
    html = _render(app, lang, "snippets/search_result_text.html", count=1234, type="dataset",
                   query="")

    assert expected in html


@pytest.mark.parametrize("lang, datasets, members", [
    ("es", "1.234 conjuntos de datos", "1.500 miembros"),
    ("en", "1,234 Datasets", "1,500 Members"),
])
def test_institution_list_counts(app, lang, datasets, members):
    institution = {"name": "mintel", "type": "organization", "display_name": "Mintel",
                   "package_count": 1234, "member_count": 1500}

    html = _render(app, lang, "organization/snippets/organization_item.html",
                   organization=institution, position=1)

    assert f'<strong class="count">{datasets}</strong>' in html
    assert f'<strong class="count">{members}</strong>' in html


@pytest.mark.parametrize("lang, datasets", [
    ("es", "2.500 conjuntos de datos"), ("en", "2,500 Datasets")])
def test_action_plan_list_counts(app, lang, datasets):
    plan = {"name": "plan-2024", "type": "action-plan", "display_name": "Plan 2024",
            "package_count": 2500}

    html = _render(app, lang, "group/snippets/group_item.html", group=plan, position=1)

    assert f'<strong class="count">{datasets}</strong>' in html


@pytest.mark.parametrize("lang, count", [("es", "12.345"), ("en", "12,345")])
def test_facet_counts(app, lang, count):
    items = [{"name": "csv", "display_name": "CSV", "count": 12345, "active": False}]

    html = _render(app, lang, "snippets/facet_list.html", title="Formats", name="res_format",
                   items=items, search_facets={"res_format": {"items": items}})

    assert f'<span class="item-count badge">{count}</span>' in html


@pytest.mark.parametrize("prefix, size", [("", "1,5 MiB"), ("/en", "1.5 MiB")])
def test_resource_size_on_the_resource_page(app, prefix, size):
    organization = factories.Organization()
    dataset = factories.Dataset(
        owner_org=organization["id"], license_id="cc-by",
        title_translated={"es": "Puntos wifi"}, notes_translated={"es": "Puntos de acceso."},
        theme=["GOVE"], frequency="ANNUAL",
        contact=[{"name": "Dirección de Datos", "email": "datos@mintel.example.gob"}])
    resource = factories.Resource(package_id=dataset["id"], url="https://datos.example.gob/w.csv",
                                  format="CSV", size=3 * 1024 ** 2 // 2)

    body = app.get(f"{prefix}/dataset/{dataset['name']}/resource/{resource['id']}").body

    assert f"<td>{size}</td>" in body


def test_institution_bulk_page_counts_in_spanish(app):
    sysadmin = factories.SysadminWithToken()
    organization = factories.Organization(name="mintel")
    for title in ("Puntos wifi", "Antenas"):
        factories.Dataset(
            owner_org=organization["id"], license_id="cc-by", title_translated={"es": title},
            notes_translated={"es": "Datos."}, theme=["GOVE"], frequency="ANNUAL",
            contact=[{"name": "Dirección de Datos", "email": "datos@mintel.example.gob"}])

    body = app.get("/organization/bulk_process/mintel",
                   headers={"Authorization": sysadmin["token"]}).body

    assert "2 conjuntos de datos encontrados." in " ".join(body.split())
