"""Issue 18, "Empty fields are shown as empty rows": a record of each of the portal's types
with only its required fields shows no label without a value (a table row or a definition
list entry with nothing in it) on its pages, in either language."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def minimal_records():
    """One record of each type, each with only the fields its schema requires."""
    sysadmin = factories.Sysadmin()

    def context():  # each action gets its own: actions add to the context they are given
        return {"user": sysadmin["name"]}

    call_action("organization_create", context(), name="minima", title_translated={"es": "Mínima"})
    call_action("group_create", context(), name="tema-minimo", title_translated={"es": "Tema mínimo"})
    call_action("group_create", context(), type="action-plan", name="plan-minimo",
                title_translated={"es": "Plan mínimo"}, country_or_locality="Ecuador",
                plan_scope="national", period_end="2022-08-31")
    dataset = call_action("package_create", context(), type="dataset", name="datos-minimos",
                          owner_org="minima", title_translated={"es": "Datos mínimos"},
                          groups=[{"name": "tema-minimo"}])
    resource = call_action("resource_create", context(), package_id=dataset["id"],
                           url="https://example.org/datos.csv")
    call_action("package_create", context(), type="procurement", name="contratacion-minima",
                owner_org="minima", title_translated={"es": "Contratación mínima"},
                **_required("procurement"))
    call_action("package_create", context(), type="commitment", name="compromiso-minimo",
                owner_org="minima", title_translated={"es": "Compromiso mínimo"},
                action_plan="plan-minimo", **_required("commitment"))
    return {"resource": resource}


def _required(dataset_type: str) -> dict:
    """What a type requires besides title, name and institution (schemas/<type>.yaml)."""
    return {
        "procurement": {"period_end": "2024-12-31", "emergency": "false"},
        "commitment": {"ogp_id": "EC9999", "commitment_status": "in-progress", "end_date": "2022-08-31"},
    }[dataset_type]


def _empty_rows(html: str) -> list[str]:
    """The labels of the page's main content that have no value next to them."""
    page = BeautifulSoup(html, "html.parser")
    main = page.select_one("main") or page
    found = []
    for row in main.select("tr"):
        header, cells = row.find("th"), row.find_all("td")
        if header and cells and all(_blank(cell) for cell in cells):
            found.append(header.get_text(" ", strip=True))
    for term in main.select("dt"):
        value = term.find_next_sibling()
        if value is None or value.name != "dd" or _blank(value):
            found.append(term.get_text(" ", strip=True))
    return found


def _blank(element) -> bool:
    text = element.get_text(" ", strip=True).replace("\xa0", "").strip()
    return not text and not element.select("img, input, select, a[href], time, svg")


PAGES = [
    "/dataset/datos-minimos",
    "/procurement/contratacion-minima",
    "/commitment/compromiso-minimo",
    "/action-plan/plan-minimo",
    "/action-plan/about/plan-minimo",
    "/organization/minima",
    "/organization/about/minima",
    "/group/tema-minimo",
    "/group/about/tema-minimo",
]


@pytest.mark.parametrize("language", ["", "/en"])
@pytest.mark.parametrize("path", PAGES)
def test_a_minimal_record_shows_no_empty_row(app, minimal_records, path, language):
    html = app.get(language + path).body

    assert _empty_rows(html) == []


@pytest.mark.parametrize("language", ["", "/en"])
def test_a_minimal_resource_shows_no_empty_row(app, minimal_records, language):
    resource = minimal_records["resource"]
    html = app.get(f"{language}/dataset/datos-minimos/resource/{resource['id']}").body

    assert _empty_rows(html) == []
