"""The obligations registry: create, update, delete, import (YAML, CSV), and what an
obligation's status is for each institution."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.metrics.model import obligation_table
from tests.metrics.metrics_portal import portal  # noqa: F401  (module fixture)

pytestmark = pytest.mark.usefixtures("portal", "restore_obligations")

DATA = Path(__file__).resolve().parents[1] / "data" / "metrics"
SAMPLE = Path(__file__).resolve().parents[2] / "ckanext" / "ogpcatalog" / "metrics" / \
    "obligations-sample.yaml"


@pytest.fixture
def restore_obligations(portal):
    """Each test starts from the portal's four obligations and leaves them as they were."""
    rows = [dict(r._mapping) for r in model.Session.execute(sa.select(obligation_table))]
    yield
    model.Session.rollback()
    model.Session.execute(obligation_table.delete())
    model.Session.execute(obligation_table.insert(), rows)
    model.Session.commit()


def _sys(portal) -> dict:
    return {"user": portal["sysadmin"]["name"]}


def _codes(portal) -> list[str]:
    return [o["code"] for o in call_action("ogpcatalog_obligation_list", _sys(portal))["results"]]


def test_create_returns_the_obligation_with_every_key(portal):
    created = call_action("ogpcatalog_obligation_create", _sys(portal), code="auditorias",
                          title={"es": "Auditorías", "en": "Audits"}, legal_basis="LOTAIP art. 19",
                          frequency="ANNUAL", applies_to={"institution_type": "ministry"},
                          match={"tags": ["auditoría"]})

    assert {k: created[k] for k in ("code", "title", "description", "legal_basis", "frequency",
                                    "applies_to", "match")} == {
        "code": "auditorias", "title": {"es": "Auditorías", "en": "Audits"}, "description": {},
        "legal_basis": "LOTAIP art. 19", "frequency": "ANNUAL",
        "applies_to": {"institution_type": ["ministry"], "sector": [], "government_level": [],
                       "institutions": []},
        "match": {"dataset_type": None, "theme": [], "tags": ["auditoría"]}}
    assert created["created"] and created["modified"]
    assert _codes(portal) == ["auditorias", "contratacion", "presupuesto", "salud", "transporte"]


def test_create_with_bad_fields_names_each_field_and_stores_nothing(portal):
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_obligation_create", _sys(portal), code="Con Espacios",
                    title={"en": "English only"}, frequency="SOMETIMES",
                    applies_to={"sector": ["99"]},
                    match={"theme": ["XXXX"], "dataset_type": "harvest"})

    assert set(error.value.error_dict) == {"code", "title", "frequency", "applies_to.sector",
                                           "match.theme", "match.dataset_type"}
    assert _codes(portal) == ["contratacion", "presupuesto", "salud", "transporte"]


def test_create_with_an_existing_code_is_refused(portal):
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_obligation_create", _sys(portal), code="salud",
                    title={"es": "Otra"})

    assert list(error.value.error_dict) == ["code"]


def test_update_changes_only_the_given_fields(portal):
    updated = call_action("ogpcatalog_obligation_update", _sys(portal), code="salud",
                          frequency="QUARTERLY")

    assert updated["frequency"] == "QUARTERLY"
    assert updated["applies_to"]["sector"] == ["07"]
    assert updated["match"]["theme"] == ["HEAL"]


def test_update_and_delete_of_an_unknown_obligation_are_not_found(portal):
    with pytest.raises(tk.ObjectNotFound):
        call_action("ogpcatalog_obligation_update", _sys(portal), code="nada", frequency="")
    with pytest.raises(tk.ObjectNotFound):
        call_action("ogpcatalog_obligation_delete", _sys(portal), code="nada")


def test_delete_removes_it_from_the_registry_and_the_figures(portal):
    result = call_action("ogpcatalog_obligation_delete", _sys(portal), code="transporte")

    assert result == {"code": "transporte", "deleted": True}
    shown = call_action("ogpcatalog_institution_metrics_show", _sys(portal), id="quito")
    assert [o["code"] for o in shown["obligations"]] == ["contratacion"]


def test_import_of_the_shipped_sample_is_idempotent(portal):
    text = SAMPLE.read_text(encoding="utf-8")

    first = call_action("ogpcatalog_obligations_import", _sys(portal), data=text)
    again = call_action("ogpcatalog_obligations_import", _sys(portal), data=text)

    assert first == {"created": 6, "updated": 0, "deleted": 0, "total": 6}
    assert again == {"created": 0, "updated": 6, "deleted": 0, "total": 6}
    assert len(_codes(portal)) == 10
    ocds = next(o for o in call_action("ogpcatalog_obligation_list", _sys(portal))["results"]
                if o["code"] == "contratacion-ocds")
    assert ocds["match"]["dataset_type"] == "procurement"
    assert ocds["title"]["en"] == "Public procurement processes in OCDS"


def test_import_of_csv_splits_list_cells(portal):
    result = call_action("ogpcatalog_obligations_import", _sys(portal),
                         data=(DATA / "obligations.csv").read_text(encoding="utf-8"))

    assert result["created"] == 2
    listed = {o["code"]: o for o in call_action("ogpcatalog_obligation_list",
                                                _sys(portal))["results"]}
    pay = listed["lotaip-19-remuneraciones"]
    assert pay["applies_to"]["institution_type"] == ["ministry", "agency"]
    assert pay["applies_to"]["government_level"] == ["national", "local"]
    assert pay["match"]["tags"] == ["remuneraciones", "talento humano"]
    assert pay["description"] == {"es": "Remuneración mensual por puesto.",
                                  "en": "Monthly pay by position."}
    ocds = listed["contratacion-ocds"]
    assert ocds["applies_to"]["institutions"] == ["msp", "quito"]
    assert ocds["match"] == {"dataset_type": "procurement", "theme": ["ECON"], "tags": []}


def test_import_with_a_bad_entry_stores_nothing_and_names_entry_and_field(portal):
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_obligations_import", _sys(portal),
                    data=(DATA / "obligations-bad.yaml").read_text(encoding="utf-8"))

    assert set(error.value.error_dict) == {"Mal Código: code", "Mal Código: title",
                                           "Mal Código: frequency"}
    assert "presupuesto-ejecucion" not in _codes(portal)


def test_import_with_replace_deletes_the_obligations_the_file_omits(portal):
    result = call_action("ogpcatalog_obligations_import", _sys(portal), replace=True,
                         data=(DATA / "obligations.csv").read_text(encoding="utf-8"))

    assert result == {"created": 2, "updated": 0, "deleted": 4, "total": 2}
    assert _codes(portal) == ["contratacion-ocds", "lotaip-19-remuneraciones"]


@pytest.mark.parametrize("text", ["obligations: [", "just text", "obligations: {a: 1}"])
def test_import_of_unreadable_text_names_the_data_field(portal, text):
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_obligations_import", _sys(portal), data=text, format="yaml")

    assert list(error.value.error_dict) == ["data"]


def test_an_obligation_without_period_is_met_by_any_matching_dataset(portal):
    call_action("ogpcatalog_obligation_create", _sys(portal), code="compromisos",
                title={"es": "Compromisos"}, applies_to={"institutions": ["quito"]},
                match={"dataset_type": "commitment"})

    shown = call_action("ogpcatalog_institution_metrics_show", _sys(portal), id="quito")

    status = {o["code"]: o for o in shown["obligations"]}
    assert status["compromisos"]["status"] == "met"
    assert status["compromisos"]["datasets"] == ["c3"]
    assert status["compromisos"]["due"] is None
    assert shown["institution"]["compliance_percent"] == 33.3


def test_an_obligation_that_names_no_one_applies_to_no_one(portal):
    call_action("ogpcatalog_obligation_create", _sys(portal), code="huerfana",
                title={"es": "Huérfana"}, match={"dataset_type": "dataset"})

    summary = call_action("ogpcatalog_metrics_summary_show", _sys(portal))

    assert summary["obligations"]["obligations"] == 5
    assert summary["obligations"]["applicable"] == 8


def test_the_explicit_tag_marks_a_dataset_of_an_obligation_without_match_rule(portal):
    shown = call_action("ogpcatalog_institution_metrics_show", _sys(portal), id="quito")

    transport = next(o for o in shown["obligations"] if o["code"] == "transporte")
    assert (transport["status"], transport["datasets"]) == ("overdue", ["c1"])


def test_cli_loads_an_obligations_file(portal, cli):
    result = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "obligations", "load",
                                       str(DATA / "obligations.csv")])

    assert result.exit_code == 0, result.output
    assert "2" in result.output
    assert "lotaip-19-remuneraciones" in _codes(portal)


def test_cli_reports_a_bad_file_and_fails(portal, cli):
    result = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "obligations", "load",
                                       str(DATA / "obligations-bad.yaml")])

    assert result.exit_code != 0
    assert "Mal Código: frequency" in result.output
