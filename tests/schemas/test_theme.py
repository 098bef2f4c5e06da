"""Themes (the default CKAN group type `group`, schemas/theme.yaml): bilingual name and
description through the API, and named in the visitor's language on the theme list, the
theme's page and About page, the breadcrumb, the search facets and a dataset's themes tab.
A theme created before the schema (only CKAN's plain title) keeps working."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _site() -> dict:
    return {"user": call_action("get_site_user")["name"]}


def _theme(**overrides) -> dict:
    data = {
        "name": "salud",
        "title_translated": {"es": "Salud", "en": "Health"},
        "description_translated": {"es": "Red de establecimientos y vacunación.",
                                   "en": "Health facilities and vaccination."},
    }
    data.update(overrides)
    return call_action("group_create", _site(), **data)


def _dataset_in(theme: str) -> dict:
    factories.Organization(name="msp", title="Ministerio Uno")
    return call_action("package_create", _site(), name="vacunacion", owner_org="msp",
                       title_translated={"es": "Vacunación", "en": "Vaccination"},
                       notes_translated={"es": "Dosis aplicadas.", "en": "Doses given."},
                       groups=[{"name": theme}])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- API ---


def test_bilingual_fields_round_trip_and_title_stays_the_default_language():
    created = _theme()
    shown = call_action("group_show", id="salud")

    for group in (created, shown):
        assert group["title_translated"] == {"es": "Salud", "en": "Health"}
        assert group["description_translated"]["en"] == "Health facilities and vaccination."
        assert group["title"] == "Salud"
        assert group["description"] == "Red de establecimientos y vacunación."
    assert call_action("group_list") == ["salud"]


def test_a_theme_with_only_ckan_title_works_as_in_core():
    group = factories.Group(name="educacion", title="Educación", description="Escuelas.")

    assert group["title_translated"] == {"es": "Educación"}
    assert call_action("group_show", id="educacion")["title"] == "Educación"


def test_missing_title_is_rejected_naming_the_field():
    with pytest.raises(tk.ValidationError) as raised:
        call_action("group_create", _site(), name="sin-titulo", title_translated={"es": "", "en": ""})

    assert "title_translated" in raised.value.error_dict
    assert model.Group.get("sin-titulo") is None


def test_title_longer_than_the_limit_is_rejected_on_the_title():
    with pytest.raises(tk.ValidationError) as raised:
        _theme(title_translated={"es": "x" * 301})

    assert list(raised.value.error_dict) == ["title_translated"]


def test_a_theme_stored_before_the_schema_shows_and_updates():
    # As a portal that had themes before theme.yaml: a group row without the bilingual extras.
    legacy = model.Group(name="medio-ambiente", title="Medio ambiente",
                         description="Áreas protegidas.", type="group", is_organization=False)
    model.Session.add(legacy)
    model.Session.commit()

    shown = call_action("group_show", id="medio-ambiente")
    assert (shown["title"], shown["display_name"]) == ("Medio ambiente", "Medio ambiente")

    call_action("group_patch", _site(), id="medio-ambiente", image_url="https://ejemplo.gob/a.png")
    patched = call_action("group_show", id="medio-ambiente")
    assert patched["title"] == "Medio ambiente"
    assert patched["description"] == "Áreas protegidas."
    assert patched["title_translated"] == {"es": "Medio ambiente"}


# --- pages ---


def test_english_pages_name_the_theme_in_english(app):
    _theme()
    _dataset_in("salud")

    listing = _text(app.get("/en/group/").body)
    assert "Health" in listing and "Health facilities and vaccination." in listing
    assert "Salud" not in listing

    page = app.get("/en/group/salud").body
    breadcrumb = _text(re.search(r'<ol class="breadcrumb">.*?</ol>', page, re.S).group(0))
    assert "Health" in breadcrumb and "Salud" not in breadcrumb
    assert "Health facilities and vaccination." in _text(page)
    assert "Red de establecimientos" not in page
    assert "Only in Spanish" not in page

    about = _text(app.get("/en/group/about/salud").body)
    assert "Health facilities and vaccination." in about
    assert "title_translated" not in about and "{'es'" not in about

    search = _text(app.get("/en/dataset/").body)
    assert re.search(r"Health\s*-?\s*\(?1\b", search), "the theme facet names the theme in English"

    filtered = _text(app.get("/en/dataset/", params={"groups": "salud"}).body)
    assert "Health" in filtered

    themes_tab = _text(app.get("/en/dataset/groups/vacunacion").body)
    assert "Health" in themes_tab and "Salud" not in themes_tab


def test_spanish_pages_name_the_theme_in_spanish(app):
    _theme()
    _dataset_in("salud")

    page = _text(app.get("/group/salud").body)
    assert "Salud" in page and "Red de establecimientos y vacunación." in page
    assert "Health" not in page
    assert "Salud" in _text(app.get("/dataset/groups/vacunacion").body)


def test_a_theme_without_english_text_shows_the_spanish_one_with_a_hint(app):
    _theme(name="gobierno-abierto", title_translated={"es": "Gobierno abierto"},
           description_translated={"es": "Transparencia y participación."})

    page = _text(app.get("/en/group/gobierno-abierto").body)
    assert "Gobierno abierto" in page
    assert "Only in Spanish" in page
    assert "Only in Spanish" in _text(app.get("/en/group/").body)


def test_edit_form_of_a_theme_stored_before_the_schema_is_filled_with_its_title(app):
    sysadmin = factories.SysadminWithToken()
    legacy = model.Group(name="educacion", title="Educación", description="Escuelas.",
                         type="group", is_organization=False)
    model.Session.add(legacy)
    model.Session.commit()

    form = app.get("/group/edit/educacion", headers={"Authorization": sysadmin["token"]}).body

    assert re.search(r'name="title_translated-es"[^>]*value="Educación"', form) or re.search(
        r'value="Educación"[^>]*name="title_translated-es"', form)
    assert "Escuelas." in form


@pytest.mark.parametrize("prefix, themes, groups, categories, institutions, organizations", [
    ("", "Temas", "Grupos", "Categorías", "Instituciones", "Organizaciones"),
    ("/en", "Themes", "Groups", "Categories", "Institutions", "Organizations"),
])
def test_themes_are_called_themes_and_eu_data_themes_categories(
        app, prefix, themes, groups, categories, institutions, organizations):
    _theme()
    _dataset_in("salud")

    page = app.get(f"{prefix}/group/salud").body
    breadcrumb = _text(re.search(r'<ol class="breadcrumb">.*?</ol>', page, re.S).group(0))
    assert themes in breadcrumb and groups not in breadcrumb

    search = app.get(f"{prefix}/dataset/").body
    facet_titles = [_text(t).strip() for t in
                    re.findall(r'<h2 class="module-heading"[^>]*>(.*?)</h2>', search, re.S)]
    assert themes in facet_titles, facet_titles
    assert categories in facet_titles, facet_titles
    assert groups not in facet_titles and facet_titles.count(themes) == 1, facet_titles
    assert institutions in facet_titles and organizations not in facet_titles, facet_titles

    dataset = app.get(f"{prefix}/dataset/vacunacion").body
    breadcrumb = _text(re.search(r'<ol class="breadcrumb">.*?</ol>', dataset, re.S).group(0))
    assert institutions in breadcrumb and organizations not in breadcrumb, breadcrumb
