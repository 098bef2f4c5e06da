"""The `commitment` dataset type: an OGP action-plan commitment with its milestones, the
datasets that evidence them and the IRM assessment, through the API and the pages."""
from __future__ import annotations

import re

import copy

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

PLAN = "ecuador-2019-2022"


@pytest.fixture
def portal(with_plugins, clean_db):
    """Two institutions, an action plan and two datasets of SERCOP that can evidence."""
    factories.Organization(name="sercop", title="Servicio Nacional de Contratación Pública")
    factories.Organization(name="mintel", title="Ministerio de Telecomunicaciones")
    factories.Group(type="action-plan", name=PLAN,
                title_translated={"es": "Primer Plan de Acción 2019-2022",
                                  "en": "First Action Plan 2019-2022"},
                country_or_locality="Ecuador", plan_scope="national")
    factories.Dataset(name="procesos-contratacion-2024", owner_org="sercop",
                      title="Procesos de contratación 2024")
    factories.Dataset(name="proveedores-habilitados", owner_org="sercop",
                      title="Proveedores habilitados")


def _milestone(**overrides) -> dict:
    milestone = {
        "description": {"es": "Publicar los datos de compras de emergencia",
                        "en": "Publish emergency procurement data"},
        "start_date": "2020-01-01",
        "end_date": "2020-12-31",
        "status": "completed",
        "evidence_url": "https://datos.example.gob/sercop/emergencia",
        "evidence_datasets": ["procesos-contratacion-2024"],
    }
    milestone.update(overrides)
    return milestone


def _commitment(**overrides) -> dict:
    data = {
        "type": "commitment",
        "name": "ec0003-contratacion-abierta",
        "owner_org": "sercop",
        "ogp_id": "EC0003",
        "title_translated": {"es": "Plataforma de información abierta de contratación pública",
                             "en": "Open public procurement information platform"},
        "short_title": {"es": "Contratación abierta", "en": "Open contracting"},
        "action_plan": PLAN,
        "commitment_number": "3",
        "notes_translated": {"es": "Una plataforma con datos OCDS.", "en": "A platform with OCDS data."},
        "problem": {"es": "La información de compras es difícil de usar.",
                    "en": "Procurement information is hard to use."},
        "lead_institution": "sercop",
        "lead_institution_name": {"es": "Servicio Nacional de Contratación Pública"},
        "supporting_institutions": [
            {"name": "Fundación Ciudadanía y Desarrollo", "kind": "civil-society"},
            {"name": "Open Contracting Partnership", "kind": "multilateral"},
        ],
        "ogp_values": ["access-to-information", "technology-innovation"],
        "policy_areas": ["anti-corruption", "open-contracting"],
        "theme": ["GOVE"],
        "start_date": "2019-09-01",
        "end_date": "2022-08-31",
        "commitment_status": "completed",
        "milestones": [
            _milestone(),
            _milestone(description={"es": "Capacitar a la sociedad civil"}, status="in-progress",
                       start_date="2021-01-01", end_date="2021-06-30", evidence_url="",
                       evidence_datasets=["proveedores-habilitados"]),
        ],
        "irm_specificity": "specificity-high",
        "irm_potential_impact": "impact-transformative",
        "irm_completion": "completion-substantial",
        "irm_did_it_open_government": "dog-major",
        "irm_starred": "yes",
        "irm_verifiable": "yes",
        "irm_potential_for_results": "results-substantial",
        "irm_promising": "yes",
        "irm_early_results": "early-outstanding",
        "irm_report_url": "https://www.opengovpartnership.org/documents/ecuador-results-report-2019-2022/",
        "tag_string": "contratación pública,OCDS",
        "license_id": "cc-by",
    }
    data.update(overrides)
    return data


def _site() -> dict:
    """An action context acting as the site user (the activity stream needs a user)."""
    return {"user": call_action("get_site_user")["name"]}


def _errors(**overrides) -> dict:
    with pytest.raises(tk.ValidationError) as raised:
        call_action("package_create", _site(), **_commitment(**overrides))
    with pytest.raises(tk.ObjectNotFound):
        call_action("package_show", id=overrides.get("name", "ec0003-contratacion-abierta"))
    return raised.value.error_dict


# --- API round trips ---


@pytest.mark.usefixtures("portal")
def test_every_field_round_trips_through_the_api():
    created = call_action("package_create", _site(), **_commitment())
    shown = call_action("package_show", id=created["id"])

    expected = _commitment()
    for key in ("name", "ogp_id", "title_translated", "short_title", "action_plan",
                "commitment_number", "notes_translated", "problem", "lead_institution",
                "lead_institution_name", "supporting_institutions", "ogp_values", "policy_areas",
                "theme", "start_date", "end_date", "commitment_status", "irm_specificity",
                "irm_potential_impact", "irm_completion", "irm_did_it_open_government",
                "irm_starred", "irm_verifiable", "irm_potential_for_results", "irm_promising",
                "irm_early_results", "irm_report_url", "license_id"):
        assert shown[key] == expected[key], key
    assert shown["type"] == "commitment"
    assert shown["title"] == "Plataforma de información abierta de contratación pública"
    assert shown["organization"]["name"] == "sercop"
    assert {t["name"] for t in shown["tags"]} == {"contratación pública", "OCDS"}


@pytest.mark.usefixtures("portal")
def test_milestones_round_trip_with_dates_status_and_evidence():
    shown = call_action("package_create", _site(), **_commitment())

    first, second = shown["milestones"]
    assert first == _milestone()
    assert second["description"] == {"es": "Capacitar a la sociedad civil"}
    assert second["status"] == "in-progress"
    assert second["evidence_datasets"] == ["proveedores-habilitados"]
    assert not second.get("evidence_url")


@pytest.mark.usefixtures("portal")
def test_ogp_identifier_is_stored_in_upper_case():
    assert call_action("package_create", _site(), **_commitment(ogp_id="ec0003"))["ogp_id"] == "EC0003"


@pytest.mark.usefixtures("portal")
def test_evidence_dataset_given_by_id_is_stored_by_name():
    dataset = call_action("package_show", id="proveedores-habilitados")
    created = call_action("package_create", _site(), **_commitment(
        milestones=[_milestone(evidence_datasets=[dataset["id"]])]))
    assert created["milestones"][0]["evidence_datasets"] == ["proveedores-habilitados"]


@pytest.mark.usefixtures("portal")
def test_update_adds_a_milestone():
    created = call_action("package_create", _site(), **_commitment())
    milestones = created["milestones"] + [_milestone(
        description={"es": "Publicar el informe final", "en": "Publish the final report"},
        status="not-started", start_date="2022-01-01", end_date="2022-08-31",
        evidence_datasets=[])]

    updated = call_action("package_update", _site(), **dict(created, milestones=milestones))

    assert len(updated["milestones"]) == 3
    assert updated["milestones"][2]["description"] == {
        "es": "Publicar el informe final", "en": "Publish the final report"}
    assert call_action("package_show", id=created["id"])["milestones"] == updated["milestones"]


@pytest.mark.usefixtures("portal")
def test_update_removes_a_milestone():
    created = call_action("package_create", _site(), **_commitment())

    updated = call_action("package_update", _site(), **dict(created, milestones=created["milestones"][:1]))

    assert updated["milestones"] == [_milestone()]


@pytest.mark.usefixtures("portal")
def test_update_replaces_the_supporting_institutions():
    created = call_action("package_create", _site(), **_commitment())

    updated = call_action("package_update", _site(), **dict(
        created, supporting_institutions=[{"name": "Universidad de Los Hemisferios", "kind": "academia"}]))

    assert updated["supporting_institutions"] == [
        {"name": "Universidad de Los Hemisferios", "kind": "academia"}]


@pytest.mark.usefixtures("portal")
def test_update_of_the_same_commitment_keeps_its_ogp_identifier():
    created = call_action("package_create", _site(), **_commitment())

    updated = call_action("package_update", _site(), **dict(created, commitment_status="withdrawn"))

    assert updated["ogp_id"] == "EC0003"
    assert updated["commitment_status"] == "withdrawn"


@pytest.mark.usefixtures("portal")
def test_lead_institution_may_be_free_text_only():
    created = call_action("package_create", _site(), **_commitment(
        lead_institution="", lead_institution_name={"es": "Secretaría de Derechos Humanos",
                                                    "en": "Human Rights Secretariat"}))
    assert not created.get("lead_institution")
    assert created["lead_institution_name"]["en"] == "Human Rights Secretariat"


@pytest.mark.usefixtures("portal")
def test_a_commitment_needs_only_its_identifier_title_plan_and_institution():
    created = call_action("package_create", _site(), type="commitment", name="ec0001-datos-abiertos",
                          owner_org="mintel", ogp_id="EC0001", action_plan=PLAN,
                          title_translated={"es": "Política de datos abiertos"})
    assert created["ogp_id"] == "EC0001"
    assert created.get("milestones") in (None, [])


# --- Invalid input: rejected, nothing stored ---


@pytest.mark.usefixtures("portal")
def test_duplicate_ogp_identifier_is_rejected_and_nothing_is_stored():
    call_action("package_create", _site(), **_commitment())

    errors = _errors(name="otro-compromiso", ogp_id="ec0003")

    assert list(errors) == ["ogp_id"]
    assert "EC0003" in errors["ogp_id"][0]


@pytest.mark.usefixtures("portal")
def test_duplicate_ogp_identifier_through_http_is_a_409_naming_the_field(app, sysadmin_with_token):
    call_action("package_create", _site(), **_commitment())

    response = app.post("/api/action/package_create", json=_commitment(name="otro-compromiso"),
                        headers={"Authorization": sysadmin_with_token["token"]}, status=409)

    body = response.json
    assert body["success"] is False
    assert "ogp_id" in body["error"]
    with pytest.raises(tk.ObjectNotFound):
        call_action("package_show", id="otro-compromiso")


@pytest.mark.usefixtures("portal")
def test_ogp_identifier_of_another_commitment_cannot_be_taken_by_update():
    call_action("package_create", _site(), **_commitment())
    other = call_action("package_create", _site(), **_commitment(name="ec0004-escazu", ogp_id="EC0004"))

    with pytest.raises(tk.ValidationError) as raised:
        call_action("package_update", _site(), **dict(other, ogp_id="EC0003"))

    assert "ogp_id" in raised.value.error_dict
    assert call_action("package_show", id="ec0004-escazu")["ogp_id"] == "EC0004"


@pytest.mark.usefixtures("portal")
def test_ogp_identifier_of_a_deleted_commitment_can_be_used_again(sysadmin):
    created = call_action("package_create", _site(), **_commitment())
    call_action("package_delete", {"user": sysadmin["name"]}, id=created["id"])

    again = call_action("package_create", _site(), **_commitment(name="ec0003-nuevo"))

    assert again["ogp_id"] == "EC0003"


@pytest.mark.usefixtures("portal")
@pytest.mark.parametrize("value", ["EC003", "ECU0003", "ZZ0003", "0003EC", "EC-0003"])
def test_bad_ogp_identifier_is_rejected(value):
    errors = _errors(ogp_id=value)
    assert "EC0003" in errors["ogp_id"][0]


@pytest.mark.usefixtures("portal")
def test_missing_ogp_identifier_is_rejected():
    assert "ogp_id" in _errors(ogp_id="")


@pytest.mark.usefixtures("portal")
def test_commitment_ending_before_it_starts_is_rejected():
    errors = _errors(start_date="2022-01-01", end_date="2021-12-31")
    assert errors["end_date"] == ["The end date (2021-12-31) is before the start date (2022-01-01)"]


@pytest.mark.usefixtures("portal")
def test_milestone_ending_before_it_starts_is_rejected():
    errors = _errors(milestones=[_milestone(start_date="2021-05-01", end_date="2021-04-30")])
    assert "end_date" in errors["milestones"][0]


@pytest.mark.usefixtures("portal")
@pytest.mark.parametrize("field,value", [
    ("commitment_status", "done"),
    ("ogp_values", ["transparency"]),
    ("policy_areas", ["space-exploration"]),
    ("theme", ["SPACE"]),
    ("irm_potential_impact", "impact-huge"),
    # a code of another scale of the same codelist
    ("irm_completion", "impact-minor"),
    ("irm_specificity", "completion-complete"),
    ("irm_did_it_open_government", "dog-amazing"),
    ("irm_starred", "maybe"),
    ("irm_verifiable", "si"),
    ("irm_potential_for_results", "early-outstanding"),
    ("irm_early_results", "results-modest"),
    ("irm_promising", "perhaps"),
])
def test_unknown_code_is_rejected(field, value):
    assert field in _errors(**{field: value})


@pytest.mark.usefixtures("portal")
@pytest.mark.parametrize("subfield,value", [("status", "finished"), ("status", "completion-complete")])
def test_unknown_milestone_status_is_rejected(subfield, value):
    errors = _errors(milestones=[_milestone(**{subfield: value})])
    assert subfield in errors["milestones"][0]


@pytest.mark.usefixtures("portal")
def test_unknown_supporting_institution_kind_is_rejected():
    errors = _errors(supporting_institutions=[{"name": "Una fundación", "kind": "ngo"}])
    assert "kind" in errors["supporting_institutions"][0]


@pytest.mark.usefixtures("portal")
def test_supporting_institution_without_name_is_rejected():
    errors = _errors(supporting_institutions=[{"name": "", "kind": "academia"}])
    assert "name" in errors["supporting_institutions"][0]


@pytest.mark.usefixtures("portal")
def test_milestone_without_description_is_rejected():
    errors = _errors(milestones=[_milestone(description={})])
    assert "description" in errors["milestones"][0]


@pytest.mark.usefixtures("portal")
def test_evidence_dataset_that_does_not_exist_is_rejected():
    errors = _errors(milestones=[_milestone(evidence_datasets=["procesos-contratacion-2024",
                                                                "no-existe"])])
    assert "no-existe" in errors["milestones"][0]["evidence_datasets"][0]


@pytest.mark.usefixtures("portal")
def test_evidence_url_that_is_not_a_web_address_is_rejected():
    errors = _errors(milestones=[_milestone(evidence_url="ftp://datos.example.gob/x")])
    assert "evidence_url" in errors["milestones"][0]


@pytest.mark.usefixtures("portal")
def test_action_plan_that_does_not_exist_is_rejected():
    errors = _errors(action_plan="ecuador-2030")
    assert errors["action_plan"] == ["Action plan not found: ecuador-2030"]


@pytest.mark.usefixtures("portal")
def test_a_theme_group_is_not_an_action_plan():
    factories.Group(name="gobierno-abierto")
    assert "action_plan" in _errors(action_plan="gobierno-abierto")


@pytest.mark.usefixtures("portal")
def test_missing_action_plan_is_rejected():
    assert "action_plan" in _errors(action_plan="")


@pytest.mark.usefixtures("portal")
def test_lead_institution_that_is_not_on_the_portal_is_rejected():
    assert "lead_institution" in _errors(lead_institution="ministerio-inexistente")


@pytest.mark.usefixtures("portal")
def test_irm_report_url_that_is_not_a_web_address_is_rejected():
    assert "irm_report_url" in _errors(irm_report_url="informe del MRI")


# --- Authorization ---


@pytest.mark.usefixtures("portal")
def test_editor_of_other_institution_cannot_update_commitment():
    editor = factories.User()
    call_action("organization_member_create", id="mintel", username=editor["name"], role="editor")
    created = call_action("package_create", _site(), **_commitment())

    with pytest.raises(tk.NotAuthorized):
        call_action("package_update", {"user": editor["name"], "ignore_auth": False},
                    **dict(created, commitment_status="withdrawn"))

    assert call_action("package_show", id=created["id"])["commitment_status"] == "completed"


@pytest.mark.usefixtures("portal")
def test_editor_of_the_institution_updates_its_commitment():
    editor = factories.User()
    call_action("organization_member_create", id="sercop", username=editor["name"], role="editor")
    created = call_action("package_create", _site(), **_commitment())

    updated = call_action("package_update", {"user": editor["name"], "ignore_auth": False},
                          **dict(created, commitment_status="withdrawn"))

    assert updated["commitment_status"] == "withdrawn"


# --- The action plan in `groups` (issue 19, item 6) ---

OTHER_PLAN = "ecuador-2022-2024"


def _editor_of(org: str) -> dict:
    editor = factories.User()
    call_action("organization_member_create", id=org, username=editor["name"], role="editor")
    return {"user": editor["name"], "ignore_auth": False}


def _group_names(dataset: dict) -> list[str]:
    return [group["name"] for group in dataset["groups"]]


def _found_in(plan: str) -> list[str]:
    result = call_action("package_search", fq=f"groups:{plan}", include_private=True)
    return [dataset["name"] for dataset in result["results"]]


@pytest.mark.usefixtures("portal")
def test_commitment_created_by_an_editor_lists_its_action_plan_in_groups():
    """The editor is not a member of the action plan's group, and needs not be."""
    created = call_action("package_create", _editor_of("sercop"), **_commitment())

    shown = call_action("package_show", {"user": "", "ignore_auth": False}, id=created["id"])

    assert _group_names(shown) == [PLAN]
    assert _group_names(created) == [PLAN]
    assert _found_in(PLAN) == ["ec0003-contratacion-abierta"]
    plan = call_action("group_show", id=PLAN, include_datasets=False)
    assert plan["package_count"] == 1


@pytest.mark.usefixtures("portal")
def test_changing_the_action_plan_moves_the_commitment():
    factories.Group(type="action-plan", name=OTHER_PLAN, country_or_locality="Ecuador",
                    plan_scope="national")
    context = _editor_of("sercop")
    created = call_action("package_create", dict(context), **_commitment())

    updated = call_action("package_update", dict(context),
                          **dict(created, action_plan=OTHER_PLAN))

    assert _group_names(updated) == [OTHER_PLAN]
    shown = call_action("package_show", {"user": "", "ignore_auth": False}, id=created["id"])
    assert _group_names(shown) == [OTHER_PLAN]
    assert _found_in(OTHER_PLAN) == ["ec0003-contratacion-abierta"]
    assert _found_in(PLAN) == []

    # and back again, through a client that sends the groups it was shown
    back = call_action("package_update", dict(context),
                       **dict(updated, action_plan=PLAN))
    assert _group_names(back) == [PLAN]
    assert _found_in(PLAN) == ["ec0003-contratacion-abierta"]


@pytest.mark.usefixtures("portal")
def test_action_plan_membership_keeps_other_groups():
    factories.Group(name="transparencia")
    created = call_action("package_create", _site(), **_commitment(groups=[{"name": "transparencia"}]))

    assert sorted(_group_names(created)) == [PLAN, "transparencia"]


# --- Pages ---


@pytest.mark.usefixtures("portal")
def test_new_commitment_form_has_repeating_milestones_and_bilingual_inputs(app, sysadmin_with_token):
    body = app.get("/commitment/new", headers={"Authorization": sysadmin_with_token["token"]}).body

    for name in ("title_translated-es", "title_translated-en", "short_title-es", "short_title-en",
                 "problem-es", "problem-en", "ogp_id", "action_plan", "lead_institution",
                 "milestones-0-description-es", "milestones-0-description-en",
                 "milestones-0-start_date", "milestones-0-end_date", "milestones-0-status",
                 "milestones-0-evidence_url", "milestones-0-evidence_datasets",
                 "supporting_institutions-0-name", "supporting_institutions-0-kind",
                 "irm_potential_impact", "irm_early_results"):
        assert f'name="{name}"' in body, name
    assert "Transformador" in body  # IRM potential impact offered with its labels
    assert 'data-module="scheming-repeating-subfields"' in body


@pytest.mark.usefixtures("portal")
def test_posting_the_form_creates_the_commitment(app, sysadmin_with_token):
    form = {
        "title_translated-es": "Plataforma de información abierta de contratación pública",
        "title_translated-en": "Open public procurement information platform",
        "name": "ec0003-formulario",
        "ogp_id": "ec0003",
        "action_plan": PLAN,
        "owner_org": "sercop",
        "lead_institution": "sercop",
        "ogp_values": ["access-to-information", "public-accountability"],
        "commitment_status": "in-progress",
        "start_date": "2019-09-01",
        "end_date": "2022-08-31",
        "milestones-0-description-es": "Publicar los datos de compras de emergencia",
        "milestones-0-description-en": "Publish emergency procurement data",
        "milestones-0-start_date": "2020-01-01",
        "milestones-0-end_date": "2020-12-31",
        "milestones-0-status": "completed",
        "milestones-0-evidence_datasets": "procesos-contratacion-2024",
        "supporting_institutions-0-name": "Fundación Ciudadanía y Desarrollo",
        "supporting_institutions-0-kind": "civil-society",
        "irm_potential_impact": "impact-moderate",
        "save": "",
    }

    app.post("/commitment/new", data=form,
             headers={"Authorization": sysadmin_with_token["token"]})

    created = call_action("package_show", id="ec0003-formulario")
    assert created["type"] == "commitment" and created["state"] == "active"
    assert created["ogp_id"] == "EC0003"
    assert created["title_translated"]["en"] == "Open public procurement information platform"
    assert created["ogp_values"] == ["access-to-information", "public-accountability"]
    assert created["milestones"] == [{
        "description": {"es": "Publicar los datos de compras de emergencia",
                        "en": "Publish emergency procurement data"},
        "start_date": "2020-01-01", "end_date": "2020-12-31", "status": "completed",
        "evidence_datasets": ["procesos-contratacion-2024"],
    }]
    assert created["supporting_institutions"] == [
        {"name": "Fundación Ciudadanía y Desarrollo", "kind": "civil-society"}]


@pytest.mark.usefixtures("portal")
def test_posting_the_form_with_a_duplicate_identifier_shows_the_error(app, sysadmin_with_token):
    call_action("package_create", _site(), **_commitment())
    form = {"title_translated-es": "Otro", "name": "otro", "ogp_id": "EC0003",
            "action_plan": PLAN, "owner_org": "sercop", "save": ""}

    body = app.post("/commitment/new", data=form,
                    headers={"Authorization": sysadmin_with_token["token"]}).body

    assert "EC0003" in body
    with pytest.raises(tk.ObjectNotFound):
        call_action("package_show", id="otro")


@pytest.mark.usefixtures("portal")
def test_commitment_page_shows_milestones_and_irm_assessment_in_spanish(app):
    call_action("package_create", _site(), **_commitment())

    body = app.get("/commitment/ec0003-contratacion-abierta").body

    assert "ogpcatalog-milestones" in body
    assert "Publicar los datos de compras de emergencia" in body
    assert "Cumplido" in body and "En curso" in body            # milestone statuses
    assert "MRI: impacto potencial" in body and "Transformador" in body
    assert "Sustancial" in body                                  # completion (until 2020)
    assert "Excepcionales" in body                               # early results (since 2021)
    assert "Fundación Ciudadanía y Desarrollo" in body and "Sociedad civil" in body
    assert "Contrataciones abiertas" in body                     # policy area
    assert "Primer Plan de Acción 2019-2022" in body
    assert f'href="/action-plan/{PLAN}"' in body
    assert 'href="/dataset/procesos-contratacion-2024"' in body


@pytest.mark.usefixtures("portal")
def test_commitment_page_in_english_shows_english_labels(app):
    call_action("package_create", _site(), **_commitment())

    body = app.get("/en/commitment/ec0003-contratacion-abierta").body

    assert "IRM: potential impact" in body and "Transformative" in body
    assert "Outstanding results" in body
    assert "Publish emergency procurement data" in body
    assert "First Action Plan 2019-2022" in body
    assert "Completed" in body and "In progress" in body


@pytest.mark.usefixtures("portal")
def test_commitment_page_leaves_out_private_evidence_for_anonymous_visitors(app):
    factories.Dataset(name="borrador-interno", owner_org="sercop", private=True,
                      title="Borrador interno de compras")
    call_action("package_create", _site(), **_commitment(
        milestones=[_milestone(evidence_datasets=["borrador-interno", "procesos-contratacion-2024"])]))

    body = app.get("/commitment/ec0003-contratacion-abierta").body

    assert "Borrador interno de compras" not in body
    assert "/dataset/borrador-interno" not in body
    assert 'href="/dataset/procesos-contratacion-2024"' in body


@pytest.mark.usefixtures("portal")
def test_evidence_dataset_page_lists_the_commitment(app):
    call_action("package_create", _site(), **_commitment())

    body = app.get("/dataset/procesos-contratacion-2024").body

    assert 'href="/commitment/ec0003-contratacion-abierta"' in body
    assert "EC0003" in body
    assert "Plataforma de información abierta de contratación pública" in body


@pytest.mark.usefixtures("portal")
def test_dataset_that_evidences_nothing_lists_no_commitment(app):
    call_action("package_create", _site(), **_commitment(milestones=[]))

    body = app.get("/dataset/procesos-contratacion-2024").body

    # No link to a commitment (the site menu links the commitments list, "/commitment/").
    assert not re.search(r'href="/commitment/[^"]', body)
    assert "evidenced-commitments" not in body


@pytest.mark.usefixtures("portal")
def test_evidence_dataset_page_stops_listing_a_commitment_whose_milestone_is_removed(app):
    created = call_action("package_create", _site(), **_commitment())
    call_action("package_update", _site(), **dict(created, milestones=copy.deepcopy(created["milestones"][1:])))

    body = app.get("/dataset/procesos-contratacion-2024").body

    assert "/commitment/ec0003-contratacion-abierta" not in body
    assert "/commitment/ec0003-contratacion-abierta" in app.get("/dataset/proveedores-habilitados").body


@pytest.mark.usefixtures("portal")
def test_form_offers_the_action_plans_by_title_in_the_visitors_language(app, sysadmin_with_token):
    headers = {"Authorization": sysadmin_with_token["token"]}

    spanish = app.get("/commitment/new", headers=headers).body
    english = app.get("/en/commitment/new", headers=headers).body

    assert f'<option value="{PLAN}"' in spanish
    assert "Primer Plan de Acción 2019-2022" in spanish
    assert "First Action Plan 2019-2022" in english
