"""The `action-plan` group type: an OGP action plan with its commitments, through the API
and the pages."""
from __future__ import annotations

import re

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

PLAN = "ecuador-2019-2022"


def _site() -> dict:
    """An action context acting as the site user (group actions need a user)."""
    return {"user": call_action("get_site_user")["name"]}


def _plan(**overrides) -> dict:
    data = {
        "type": "action-plan",
        "name": PLAN,
        "title_translated": {"es": "Primer Plan de Acción de Gobierno Abierto 2019-2022",
                             "en": "First Open Government Action Plan 2019-2022"},
        "description_translated": {"es": "Diez compromisos cocreados con la sociedad civil.",
                                   "en": "Ten commitments co-created with civil society."},
        "country_or_locality": "Ecuador",
        "plan_scope": "national",
        "plan_number": "1",
        "period_start": "2019-09-01",
        "period_end": "2022-08-31",
        "co_creation": {"es": "Grupo Núcleo de gobierno, sociedad civil y academia.",
                        "en": "A core group of government, civil society and academia."},
        "plan_url": "https://www.opengovpartnership.org/documents/ecuador-action-plan-2019-2022/",
        "image_url": "https://datos.example.gob/img/gobierno-abierto.png",
    }
    data.update(overrides)
    return data


def _errors(**overrides) -> dict:
    with pytest.raises(tk.ValidationError) as raised:
        call_action("group_create", _site(), **_plan(**overrides))
    assert call_action("group_list", type="action-plan") == []
    return raised.value.error_dict


def _commitment(name: str, ogp_id: str, title: str, **overrides) -> dict:
    data = {"type": "commitment", "name": name, "owner_org": "planificacion", "ogp_id": ogp_id,
            "action_plan": PLAN, "title_translated": {"es": title}, "commitment_status": "in-progress"}
    data.update(overrides)
    return call_action("package_create", _site(), **data)


# --- API ---


def test_every_field_round_trips_through_the_api():
    created = call_action("group_create", _site(), **_plan())
    shown = call_action("group_show", id=PLAN)

    for key, value in _plan().items():
        assert shown[key] == value, key
    assert shown["title"] == "Primer Plan de Acción de Gobierno Abierto 2019-2022"
    assert shown["description"] == "Diez compromisos cocreados con la sociedad civil."
    assert created["id"] == shown["id"]


def test_update_changes_the_plan_and_keeps_the_rest():
    created = call_action("group_create", _site(), **_plan())

    call_action("group_update", _site(), **dict(created, period_end="2022-12-31",
                                                plan_scope="local", country_or_locality="Quito"))

    updated = call_action("group_show", id=PLAN)

    assert (updated["period_end"], updated["plan_scope"], updated["country_or_locality"]) == (
        "2022-12-31", "local", "Quito")
    assert updated["co_creation"] == _plan()["co_creation"]


def test_action_plans_are_not_theme_groups():
    factories.Group(name="gobierno-abierto")
    call_action("group_create", _site(), **_plan())

    assert call_action("group_list", type="action-plan") == [PLAN]
    assert call_action("group_list") == ["gobierno-abierto"]


def test_plan_ending_before_it_starts_is_rejected():
    errors = _errors(period_start="2022-01-01", period_end="2019-12-31")
    assert errors["period_end"] == ["The end date (2019-12-31) is before the start date (2022-01-01)"]


def test_unknown_scope_is_rejected():
    assert "plan_scope" in _errors(plan_scope="regional")


def test_missing_scope_and_place_are_rejected():
    errors = _errors(plan_scope="", country_or_locality="")
    assert {"plan_scope", "country_or_locality"} <= set(errors)


def test_plan_number_that_is_not_a_positive_integer_is_rejected():
    assert "plan_number" in _errors(plan_number="primero")


def test_plan_url_that_is_not_a_web_address_is_rejected():
    assert "plan_url" in _errors(plan_url="opengovpartnership.org/plan")


def test_missing_title_is_rejected():
    assert "title_translated" in _errors(title_translated={})


# --- Pages ---


def test_new_action_plan_form_renders_with_bilingual_inputs(app, sysadmin_with_token):
    body = app.get("/action-plan/new", headers={"Authorization": sysadmin_with_token["token"]}).body

    for name in ("title_translated-es", "title_translated-en", "description_translated-es",
                 "description_translated-en", "name", "country_or_locality", "plan_scope",
                 "plan_number", "period_start", "period_end", "co_creation-es", "co_creation-en",
                 "plan_url", "image_url"):
        assert f'name="{name}"' in body, name
    assert "Nacional" in body and "Local" in body


def test_posting_the_form_creates_the_action_plan(app, sysadmin_with_token):
    form = {"title_translated-es": "Plan de Acción de Gobierno Abierto de Quito 2022-2023",
            "title_translated-en": "Quito Open Government Action Plan 2022-2023",
            "name": "quito-2022-2023", "country_or_locality": "Quito", "plan_scope": "local",
            "plan_number": "2", "period_start": "2022-01-01", "period_end": "2023-12-31",
            "co_creation-es": "Mesas con organizaciones barriales.", "save": ""}

    app.post("/action-plan/new", data=form, headers={"Authorization": sysadmin_with_token["token"]})

    created = call_action("group_show", id="quito-2022-2023")
    assert created["type"] == "action-plan"
    assert created["title_translated"]["en"] == "Quito Open Government Action Plan 2022-2023"
    assert (created["plan_scope"], created["plan_number"]) == ("local", "2")
    assert created["co_creation"] == {"es": "Mesas con organizaciones barriales."}


@pytest.fixture
def plan_with_commitments(with_plugins, clean_db):
    factories.Organization(name="planificacion")
    call_action("group_create", _site(), **_plan())
    # Created out of order: the page lists them by OGP identifier.
    _commitment("ec0002-portal-datos", "EC0002", "Rediseño del portal de datos abiertos")
    _commitment("ec0001-politica-datos", "EC0001", "Política de datos abiertos",
                commitment_status="completed")
    factories.Dataset(name="otro-conjunto", owner_org="planificacion", title="Otro conjunto")


@pytest.mark.usefixtures("plan_with_commitments")
def test_action_plan_page_lists_its_commitments(app):
    body = app.get(f"/action-plan/{PLAN}").body

    assert "/commitment/ec0001-politica-datos" in body
    assert "/commitment/ec0002-portal-datos" in body
    assert "/dataset/otro-conjunto" not in body
    assert "Ecuador" in body and "Nacional" in body


@pytest.mark.usefixtures("plan_with_commitments")
def test_action_plan_about_page_lists_commitments_by_ogp_identifier(app):
    body = app.get(f"/action-plan/about/{PLAN}").body

    assert body.index("EC0001") < body.index("EC0002")
    assert "Política de datos abiertos" in body and "Cumplido" in body
    assert "Grupo Núcleo de gobierno, sociedad civil y academia." in body
    assert "https://www.opengovpartnership.org/documents/ecuador-action-plan-2019-2022/" in body


@pytest.mark.usefixtures("plan_with_commitments")
def test_action_plan_about_page_in_english(app):
    body = app.get(f"/en/action-plan/about/{PLAN}").body

    assert "First Open Government Action Plan 2019-2022" in body
    assert "National" in body and "In progress" in body
    assert "A core group of government, civil society and academia." in body


def test_action_plan_without_commitments_says_so(app):
    call_action("group_create", _site(), **_plan())

    body = app.get(f"/action-plan/about/{PLAN}").body

    assert "ecuador-2019-2022" in body
    # No link to a commitment (the site menu links the commitments list, "/commitment/").
    assert not re.search(r'href="/commitment/[^"]', body)
