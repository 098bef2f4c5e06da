"""Issue 18, "Pages and forms": unpublishing with a confirmation and a way back, repeating
items headed by their content, structured resource values shown as such, field lengths and
unsafe resource addresses refused on their field, images of descriptions as links, the
evidence picker, each type's form help, the sysadmin's portal page, the obligation's form link
and the home page's cached procurement total."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog import helpers

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def portal():
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization(name="mintel", title="Ministerio de Telecomunicaciones",
                                 institution_type="ministry")
    context = {"user": sysadmin["name"]}
    dataset = call_action(
        "package_create", context, type="dataset", name="puntos-wifi", owner_org=org["id"],
        title="Puntos wifi", notes="Mapa ![mapa](x) y <img src=x> y ![logo](https://example.org/logo.png)",
        contact=[{"name": "Dirección de Datos", "email": "datos@example.org"}])
    resource = call_action(
        "resource_create", context, package_id=dataset["id"], url="https://example.org/wifi.csv",
        name="Puntos", format="CSV",
        access_services=json.dumps([{"title": "API de puntos", "endpoint_url": ["https://api.example.org/puntos"],
                                     "description": "Consulta por provincia"}]))
    return {"sysadmin": sysadmin, "headers": {"Authorization": sysadmin["token"]}, "org": org,
            "dataset": dataset, "resource": resource}


def _soup(response):
    return BeautifulSoup(response.body, "html.parser")


def test_unpublish_is_spanish_confirmed_and_reversible(app, portal):
    form = _soup(app.get("/dataset/edit/puntos-wifi", headers=portal["headers"]))
    unpublish = form.select_one("details.ogp-unpublish")

    assert "Unpublish" not in [b.get_text(strip=True) for b in form.select("form button")]
    assert unpublish is not None and unpublish.select_one("summary")
    assert "Publicar" in unpublish.get_text()  # the confirmation says how to come back ("Publish")
    assert unpublish.select_one('button[name=save][value=go-metadata-unpublish]') is not None
    # Enter in a field never unpublishes: the form's first submit button is a plain save
    first = form.select_one("form#dataset-edit button[type=submit]")
    assert first.get("value") in (None, "")

    call_action("package_patch", {"user": portal["sysadmin"]["name"]}, id="puntos-wifi", state="draft")
    draft = _soup(app.get("/dataset/edit/puntos-wifi", headers=portal["headers"]))
    publish = draft.select_one("button.ogp-publish")
    assert publish is not None and publish["formaction"].startswith("/ogpcatalog/publish/")
    notice = _soup(app.get("/dataset/puntos-wifi", headers=portal["headers"])).select_one(".ogp-draft-notice")
    assert notice is not None and notice["action"] == publish["formaction"]

    app.post(publish["formaction"], headers=portal["headers"], follow_redirects=False, status=302)
    assert call_action("package_show", id="puntos-wifi")["state"] == "active"


def test_only_editors_publish(app, portal):
    call_action("package_patch", {"user": portal["sysadmin"]["name"]}, id="puntos-wifi", state="draft")
    stranger = factories.UserWithToken()

    app.post(f"/ogpcatalog/publish/{portal['dataset']['id']}", headers={"Authorization": stranger["token"]},
             status=403)
    assert call_action("package_show", id="puntos-wifi")["state"] == "draft"


def test_repeating_items_are_headed_by_their_content(app, portal):
    form = _soup(app.get("/dataset/edit/puntos-wifi", headers=portal["headers"]))
    titles = [t.get_text(strip=True) for t in form.select(".scheming-subfield-group .ogp-item-title")]

    assert "Dirección de Datos" in titles
    assert "Contacto 1" not in form.get_text()


def test_resource_page_shows_access_services_as_links(app, portal):
    page = _soup(app.get(f"/dataset/puntos-wifi/resource/{portal['resource']['id']}"))
    text = page.get_text(" ", strip=True)

    assert page.select_one('a[href="https://api.example.org/puntos"]').get_text(strip=True) == "API de puntos"
    assert "endpoint_url" not in text and "[{" not in text


def test_structured_resource_values_are_never_raw_python(app, portal):
    call_action("resource_patch", {"user": portal["sysadmin"]["name"]}, id=portal["resource"]["id"],
                extra_info={"status": "invalid", "errors": 3})
    text = _soup(app.get(f"/dataset/puntos-wifi/resource/{portal['resource']['id']}")).get_text(" ", strip=True)

    assert "{'status'" not in text and '{"status"' not in text


def test_a_too_long_title_is_refused_on_the_title_field(app, portal):
    with pytest.raises(tk.ValidationError) as error:
        call_action("package_create", {"user": portal["sysadmin"]["name"]}, type="dataset",
                    name="largo", owner_org=portal["org"]["id"], title="T" * 5000)

    assert "title_translated" in error.value.error_dict
    assert "name" not in error.value.error_dict


def test_the_form_caps_the_title_length(app, portal):
    form = _soup(app.get("/dataset/new", headers=portal["headers"]))

    assert form.select_one("#field-title_translated-es")["maxlength"] == "300"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " java\tscript:x",
                                 "data:text/html,<script>x</script>", "vbscript:msgbox(1)"])
def test_unsafe_resource_addresses_are_refused_on_the_url_field(app, portal, url):
    with pytest.raises(tk.ValidationError) as error:
        call_action("resource_create", {"user": portal["sysadmin"]["name"]},
                    package_id="puntos-wifi", url=url, name="x")

    assert list(error.value.error_dict) == ["url"]


def test_description_images_become_links(app, portal):
    page = _soup(app.get("/dataset/puntos-wifi"))
    notes = page.select_one(".notes")

    assert notes.select("img") == []
    assert notes.select_one('a[href="https://example.org/logo.png"]') is not None


def test_the_evidence_picker_offers_titles_and_institutions(app, portal):
    answer = app.get("/api/ogpcatalog/dataset-picker", params={"incomplete": "wifi"}).json
    form = _soup(app.get("/commitment/new", headers=portal["headers"]))
    picker = form.select_one("#field-milestones-0-evidence_datasets")

    assert answer["ResultSet"]["Result"] == [
        {"name": "puntos-wifi", "label": "Puntos wifi — Ministerio de Telecomunicaciones"}]
    assert picker["data-module-createtags"] == "false"
    assert "dataset-picker" in picker["data-module-source"]


@pytest.mark.parametrize("dataset_type, heading", [
    ("commitment", "What is a commitment?"), ("procurement", "What is a procurement dataset?"),
    ("dataset", "What is a dataset?")])
def test_each_type_has_its_own_form_help(app, portal, dataset_type, heading):
    page = _soup(app.get(f"/en/{dataset_type}/new", headers=portal["headers"]))
    help_box = page.select_one(".ogp-form-help")

    assert help_box["data-type"] == dataset_type
    assert heading in help_box.get_text()
    assert "A CKAN Dataset is" not in page.get_text()


def test_the_sysadmin_page_is_the_portals(app, portal):
    page = _soup(app.get("/ckan-admin", headers=portal["headers"]))
    links = {a["data-ogp-admin"]: a["href"] for a in page.select("a[data-ogp-admin]")}

    assert "As a sysadmin user you have full control" not in page.get_text()
    assert links["dashboard"].rstrip("/").endswith("/publishers")
    assert links["harvest"].rstrip("/").endswith("/harvest")
    assert links["ocds"].rstrip("/").endswith("/procurement")
    assert links["commitments"].rstrip("/").endswith("/commitment")


@pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.dashboard_cache_seconds", 0)
def test_a_procurement_obligation_links_to_the_procurement_form(app, portal):
    call_action("ogpcatalog_obligation_create", {"user": portal["sysadmin"]["name"]},
                code="contratacion-ocds", title={"es": "Procesos de contratación pública en OCDS"},
                frequency="MONTHLY", applies_to={"institution_type": ["ministry"]},
                match={"dataset_type": "procurement"})
    page = _soup(app.get("/publishers/mintel", headers=portal["headers"]))
    row = page.select_one('#obligations-table tr[data-obligation="contratacion-ocds"]')

    assert "/procurement/new?" in row.select_one("a.btn")["href"]


@pytest.mark.ckan_config("ckanext.ogpcatalog.portal.figures_cache_seconds", 300)
def test_the_home_page_reuses_its_procurement_total(app, portal, monkeypatch):
    from ckan.lib.redis import connect_to_redis
    for key in connect_to_redis().scan_iter("ogpcatalog:portal:*"):
        connect_to_redis().delete(key)
    call_action("package_create", {"user": portal["sysadmin"]["name"]}, type="procurement",
                name="compras", owner_org=portal["org"]["id"], title="Compras", process_count=3,
                total_values=[{"currency": "USD", "amount": 1000}])
    sums = []
    real = helpers._sum_procurement_totals
    monkeypatch.setattr(helpers, "_sum_procurement_totals", lambda: sums.append(1) or real())

    first = app.get("/en/").body
    second = app.get("/en/").body

    assert len(sums) == 1
    assert "$1,000" in first and "$1,000" in second


@pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.dashboard_cache_seconds", 0)
def test_the_dashboard_dates_its_figures_in_the_visitors_language(app, portal):
    import re
    text = _soup(app.get("/publishers", headers=portal["headers"])).get_text(" ", strip=True)

    assert re.search(r"\d{1,2} de [a-z]+ de \d{4}, \d\d:\d\d \(UTC\)", text), text[:400]
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)
