"""The portal's front door (views/portal.py, templates/home/, header, footer): its own home
page with the headline figures, its menu, the API help, the registration page when accounts
are not open to visitors, and the DCAT serializations of the portal's own dataset types."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from rdflib import Graph

from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

STOCK_TEXTS = ("Bienvenido a CKAN", "Welcome to CKAN", "Este es un párrafo amigable",
               "This is a nice introductory paragraph", "420 x 220", "Esta es una sección destacada",
               "This is a featured section", "As a sysadmin user you have full control",
               "CKAN is the world")


@pytest.fixture
def content():
    """An institution with a procurement dataset (2 processes worth 1,500,000.50 USD), a
    general dataset and a completed commitment."""
    sysadmin = factories.Sysadmin()
    org = factories.Organization(name="sercop", title="Servicio Nacional de Contratación Pública")
    context = {"user": sysadmin["name"]}
    call_action("package_create", context, type="procurement", name="compras-2024",
                owner_org=org["id"], title="Compras 2024", process_count=2,
                total_values=[{"currency": "USD", "amount": 1500000.50}])
    call_action("package_create", context, type="dataset", name="presupuesto-2024",
                owner_org=org["id"], title="Presupuesto 2024")
    factories.Group(type="action-plan", name="ecuador-2019-2022",
                    title_translated={"es": "Primer Plan de Acción 2019-2022",
                                      "en": "First Action Plan 2019-2022"},
                    country_or_locality="Ecuador", plan_scope="national", plan_number="1",
                    period_start="2019-09-01", period_end="2022-08-31")
    call_action("package_create", context, type="commitment", name="compromiso-uno",
                owner_org=org["id"], title="Compromiso uno", commitment_status="completed",
                action_plan="ecuador-2019-2022", ogp_id="EC0001")
    return {"org": org, "sysadmin": sysadmin}


def _page(app, url, **kwargs):
    response = app.get(url, **kwargs)
    return response, BeautifulSoup(response.body, "html.parser")


@pytest.mark.parametrize("url", ["/", "/en/"])
def test_home_page_has_no_stock_ckan_text(app, content, url):
    response, _ = _page(app, url)

    assert response.status_code == 200
    for text in STOCK_TEXTS:
        assert text not in response.body


@pytest.mark.parametrize("url", ["/about", "/en/about"])
def test_about_page_explains_the_portal_and_its_data_policy(app, url):
    response, soup = _page(app, url)

    for text in STOCK_TEXTS:
        assert text not in response.body
    assert soup.find("h2", string=["Política de datos", "Data policy"])


def test_home_page_shows_the_headline_figures(app, content):
    _, soup = _page(app, "/")

    def figure(name):
        return soup.select_one(f'[data-figure="{name}"] .ogp-figure-value').get_text(strip=True)

    assert figure("datasets") == "3"
    assert figure("institutions") == "1"
    assert figure("procurement") == "2"
    assert "1.500.000" in soup.select_one('[data-figure="procurement"]').get_text()
    assert figure("commitments") == "1"
    assert "100" in soup.select_one('[data-figure="commitments"]').get_text()


def test_home_page_names_the_portal_in_the_visitors_language(app):
    _, spanish = _page(app, "/")
    _, english = _page(app, "/en/")

    assert spanish.h1.get_text(strip=True) == "Catálogo de Gobierno Abierto"
    assert english.h1.get_text(strip=True) == "Open Government Catalogue"
    assert "Catálogo" not in english.title.get_text()
    assert "About Open Government Catalogue" in english.select_one("footer").get_text()


def test_home_search_box_offers_the_types_and_leads_to_their_search(app):
    _, soup = _page(app, "/")
    options = [o["value"] for o in soup.select("#ogp-home-type option")]

    assert options == ["dataset", "procurement", "commitment"]
    response = app.get("/search?type=procurement&q=agua", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/procurement/?q=agua")


@pytest.mark.parametrize("href", ["/procurement/", "/commitment/", "/action-plan/", "/organization/",
                                  "/group/", "/about"])
def test_menu_links_to_the_portals_sections(app, href):
    _, soup = _page(app, "/")
    menu = [a["href"] for a in soup.select("header .navbar-nav a")]

    assert href in menu


@pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.public_dashboard", True)
def test_menu_links_the_public_dashboard(app):
    _, soup = _page(app, "/")

    assert "/publishers/" in [a["href"] for a in soup.select("header .navbar-nav a")]


def test_sysadmin_reaches_the_dashboard_through_a_labelled_link(app, content):
    user = content["sysadmin"]
    _, soup = _page(app, "/", headers={"Authorization": factories.APIToken(user=user["name"])["token"]})
    link = soup.select_one('a[data-ogp-link="portal"]')

    assert link["href"] == "/publishers/"
    assert link.get_text(strip=True) == "Panel de publicadores"


def test_editor_gets_a_link_to_the_figures_of_their_institution(app, content):
    editor = factories.User()
    call_action("organization_member_create", {"user": content["sysadmin"]["name"]},
                id=content["org"]["id"], username=editor["name"], role="editor")
    token = factories.APIToken(user=editor["name"])["token"]
    _, soup = _page(app, "/", headers={"Authorization": token})
    link = soup.select_one('a[data-ogp-link="institution"]')

    assert link["href"] == "/publishers/sercop"
    assert soup.select_one(".ogp-initials") and not soup.select("header img.user-image, header img.gravatar")


def test_add_dataset_lets_editors_choose_the_type(app, content):
    token = factories.APIToken(user=content["sysadmin"]["name"])["token"]
    _, soup = _page(app, "/dataset/", headers={"Authorization": token})
    links = {a["data-dataset-type"]: a["href"] for a in soup.select(".ogp-add-dataset a")}

    assert links == {"dataset": "/dataset/new", "procurement": "/procurement/new",
                     "commitment": "/commitment/new"}


@pytest.mark.ckan_config("ckan.auth.create_user_via_web", False)
def test_closed_registration_says_how_to_get_an_account(app):
    # 403: the request is still refused (clients see it), with a page that explains.
    response, soup = _page(app, "/user/register", status=403)

    assert soup.select_one("#registration-closed h1").get_text(strip=True) == "Cómo obtener una cuenta"
    assert "editor" in soup.select_one("#registration-closed").get_text()


@pytest.mark.ckan_config("ckan.auth.create_user_via_web", True)
def test_open_registration_keeps_ckans_form(app):
    _, soup = _page(app, "/user/register")

    assert soup.select_one("form#user-register-form")
    assert not soup.select_one("#registration-closed")


@pytest.mark.parametrize("fmt, parse_as", [("rdf", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld")])
def test_procurement_dataset_answers_its_dcat_serializations(app, content, fmt, parse_as):
    response = app.get(f"/procurement/compras-2024.{fmt}")
    graph = Graph().parse(data=response.body, format=parse_as)

    assert response.status_code == 200
    assert "Compras 2024" in {str(o) for o in graph.objects()}


def test_commitment_dataset_answers_rdf(app, content):
    response = app.get("/commitment/compromiso-uno.rdf")

    assert response.status_code == 200 and "rdf:RDF" in response.body


def test_unknown_format_of_a_procurement_dataset_is_not_found(app, content):
    app.get("/procurement/compras-2024.exe", status=404)


def test_dataset_page_shows_dcat_and_api_links(app, content):
    _, soup = _page(app, "/procurement/compras-2024")
    links = {a["data-format"]: a["href"] for a in soup.select(".ogp-reuse a[data-format]")}

    assert links["ttl"] == "/procurement/compras-2024.ttl"
    assert links["rdf"] == "/procurement/compras-2024.rdf"
    assert links["jsonld"] == "/procurement/compras-2024.jsonld"
    assert "package_show" in links["api"]


def test_api_help_page_shows_examples_for_the_portals_types(app, content):
    response, soup = _page(app, "/api-help")
    text = soup.get_text()

    assert response.status_code == 200
    assert "package_search?fq=type:procurement" in text
    assert "ogpcatalog_metrics_summary_show" in text
    assert "/catalog.ttl" in text
    assert "/procurement/compras-2024.rdf" in text


def test_footer_links_the_api_help_and_not_the_external_docs(app):
    _, soup = _page(app, "/")
    footer = [a["href"] for a in soup.select("footer a")]

    assert "/api-help" in footer
    assert not any("docs.ckan.org" in href for href in footer)
