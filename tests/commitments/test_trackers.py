"""Other trackers' files (Mexico's AGA dashboard CSV and nested JSON, Buenos Aires' OGP Local
JSON, open.usa.gov's fifth US plan) import through the column maps shipped for them: each
commitment keeps the tracker's own identifier, the OGP one is filled only when known."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from tests.commitments.conftest import DATA, import_sheet, sysadmin_context

TRACKERS = DATA / "trackers"
MEXICO_CSV = TRACKERS / "mexico_aga_compromisos.csv"
MEXICO_JSON = TRACKERS / "mexico_aga_plan.json"
BUENOS_AIRES = TRACKERS / "buenos_aires_ogp_compromisos.json"
US_NAP5 = TRACKERS / "us_nap5_commitments.json"
UUID = "3f2a9c10-7b41-4e0a-9d55-0c1e2f3a4b5c"

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _tracked(tracker_id: str) -> dict:
    package = model.Session.query(model.Package).filter(
        model.Package.extras["tracker_id"].astext == tracker_id,
        model.Package.state == "active").one()
    return call_action("package_show", id=package.id)


def _commitments() -> int:
    return model.Session.query(model.Package).filter_by(type="commitment").count()


def test_mexico_csv_is_recognised_and_keeps_the_dashboards_ids(portal):
    result = import_sheet(portal, MEXICO_CSV)

    assert result["column_map"] == "mexico-aga"
    assert result["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert result["action_plans_created"] == ["mexico-2019-2021"]
    assert [row["tracker_id"] for row in result["rows"]][0] == UUID  # as written, lower case
    commitment = _tracked(UUID)
    assert not commitment.get("ogp_id")
    assert commitment["action_plan"] == "mexico-2019-2021"
    assert commitment["title_translated"] == {"es": "Compras públicas abiertas"}
    assert commitment["problem"]["es"].startswith("La información de compras")
    assert [s["name"] for s in commitment["supporting_institutions"]] == [
        "Organizaciones civiles:", "Transparencia Ciudadana", "Observatorio de Compras"]
    plan = call_action("group_show", id="mexico-2019-2021")
    assert (plan["country_or_locality"], str(plan["plan_number"]), plan["plan_scope"]) == (
        "México", "4", "national")


def test_mexico_nested_json_imports_commitments_with_their_milestones(portal):
    result = import_sheet(portal, MEXICO_JSON)

    assert result["column_map"] == "mexico-aga"
    assert result["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert [row["row"] for row in result["rows"]] == [1, 2, 3]
    milestones = _tracked(UUID)["milestones"]
    assert [m["description"]["es"] for m in milestones] == [
        "Acordar el estándar de publicación con sociedad civil.",
        "Título del Hito"]  # no description: the dashboard's title
    assert milestones[0]["start_date"][:10] == "2020-01-15"
    assert milestones[0]["end_date"][:10] == "2020-06-30"
    assert not milestones[1].get("end_date")


def test_the_dashboards_csv_and_json_land_on_the_same_commitments(portal):
    import_sheet(portal, MEXICO_JSON)
    again = import_sheet(portal, MEXICO_JSON)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "error": 0}

    from_csv = import_sheet(portal, MEXICO_CSV)

    assert from_csv["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "error": 0}
    assert _commitments() == 3


def test_reimported_milestones_keep_the_evidence_added_on_the_portal(portal):
    import_sheet(portal, MEXICO_JSON)
    commitment = _tracked(UUID)
    milestones = commitment["milestones"]
    milestones[0]["evidence_datasets"] = ["indicadores-tic"]
    milestones[0]["description"]["en"] = "Agree the publication standard with civil society."
    call_action("package_patch", sysadmin_context(portal), id=commitment["id"], milestones=milestones)

    again = import_sheet(portal, MEXICO_JSON)

    assert again["counts"]["unchanged"] == 3
    kept = _tracked(UUID)["milestones"][0]
    assert kept["evidence_datasets"] == ["indicadores-tic"]
    assert kept["description"]["en"] == "Agree the publication standard with civil society."


def test_buenos_aires_object_of_commitments_imports_with_stages_and_status(portal):
    result = import_sheet(portal, BUENOS_AIRES)

    assert result["column_map"] == "buenos-aires"
    assert result["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert result["action_plans_created"] == ["ciudad-de-buenos-aires-2017"]
    assert call_action("group_show", id="ciudad-de-buenos-aires-2017")["plan_scope"] == "local"
    buses = _tracked("21")
    assert buses["commitment_status"] == "in-progress"
    assert buses["notes_translated"]["es"] == (
        "Vamos a publicar los recorridos y horarios de colectivos en formato abierto para que "
        "cualquiera pueda reutilizarlos.\n\nIncluye las paradas y frecuencias de cada línea.")
    assert [t["name"] for t in buses["tags"]] == ["Transporte"]
    assert [(m["description"]["es"], m["status"]) for m in buses["milestones"]] == [
        ("Relevar las paradas y recorridos de colectivos.", "completed"),
        ("Publicar los datos en formato GTFS.", "not-started")]
    assert "multimedias" in result["columns"]["unknown"]


def test_us_nap5_imports_with_ogp_ids_in_english_without_naming_the_map(portal):
    result = import_sheet(portal, US_NAP5)

    assert result["column_map"] == "us-nap5"
    assert result["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    us = call_action("package_search", fq='ogp_id:"US0201"')["results"][0]
    assert us["title_translated"] == {"en": "Open Federal Grant Data"}
    assert [t["name"] for t in us["tags"]] == [
        "improve-access-to-government-data-research-and-information"]  # one theme, kept whole
    assert us["action_plan"] == "united-states-2022-2024"


def test_a_map_named_reads_a_file_it_would_not_recognise(portal):
    text = "id,titulo\nb1c2d3e4-0000-4000-8000-000000000001,Contrataciones de salud\n"
    result = call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=text,
                         owner_org="mintel", column_map="mexico-aga")
    assert result["counts"]["created"] == 1
    assert _tracked("b1c2d3e4-0000-4000-8000-000000000001")["action_plan"] == "mexico-2019-2021"


def test_ogp_id_is_filled_from_the_maps_table_and_matches_the_tracked_commitment(portal):
    import_sheet(portal, MEXICO_CSV)
    column_map = (
        "columns: {id: tracker_id, titulo: title}\n"
        "fixed: {country: México, plan_number: 4, submission_year: 2019, end_year: 2021}\n"
        f"ogp_ids: {{{UUID}: MX0101}}\n")
    result = call_action("ogpcatalog_commitments_import", sysadmin_context(portal),
                         csv=MEXICO_CSV.read_text(encoding="utf-8"), owner_org="mintel",
                         column_map=column_map)
    assert [row["outcome"] for row in result["rows"]] == ["updated", "unchanged", "unchanged"]
    assert result["rows"][0]["changed"] == ["ogp_id"]
    assert _tracked(UUID)["ogp_id"] == "MX0101"
    assert _commitments() == 3


def test_unknown_column_map_is_a_field_error(portal):
    with pytest.raises(tk.ValidationError) as raised:
        import_sheet(portal, MEXICO_CSV, column_map="chile-tablero")
    message = raised.value.error_dict["column_map"][0]
    assert message.startswith("Unknown column map: chile-tablero")
    assert "mexico-aga" in message


def test_an_invalid_identifier_is_reported_as_written(portal):
    text = ("Commitment Unique Identifier,Country/Locality,Commitment Title\n"
            f"{UUID},Ecuador,Datos abiertos de salud\n")
    result = call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=text,
                         owner_org="mintel")
    message = result["rows"][0]["errors"][0]["message"]
    assert UUID in message and UUID.upper() not in message


def test_a_commitment_needs_an_ogp_id_or_a_tracker_id(portal):
    plan = "ecuador-2019-2022"
    created = call_action("package_create", sysadmin_context(portal), type="commitment",
                          name="tablero-datos", owner_org="mintel", action_plan=plan,
                          tracker_id="f00d", title_translated={"es": "Datos"})
    assert created["tracker_id"] == "f00d" and not created.get("ogp_id")
    with pytest.raises(tk.ValidationError) as raised:
        call_action("package_create", sysadmin_context(portal), type="commitment",
                    name="sin-identificador", owner_org="mintel", action_plan=plan,
                    title_translated={"es": "Datos"})
    assert raised.value.error_dict["ogp_id"] == ["Missing value"]


def test_a_milestone_ending_before_it_starts_loses_its_dates_not_the_row(portal):
    text = ('{"plan": [{"compromisos": [{"id": "0a0b0c0d-1111-4222-8333-444455556666", '
            '"titulo": "Archivos abiertos", "metadatos": {"descripcion": "Abrir los archivos.", '
            '"problematica": "Archivos cerrados."}, "hitos": [{"titulo": "Título del Hito", '
            '"metadatos": {"descripcion": "Digitalizar el fondo histórico."}, '
            '"fecha_inicial": "2020-09-07 00:00:00+00", "fecha_final": "2020-01-20 00:00:00+00"}]}]}]}')
    result = call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=text,
                         owner_org="mintel")
    row = result["rows"][0]
    assert row["outcome"] == "created"
    assert row["warnings"][0]["field"] == "hitos"
    assert "2020-01-20" in row["warnings"][0]["message"]
    milestone = _tracked("0a0b0c0d-1111-4222-8333-444455556666")["milestones"][0]
    assert not milestone.get("start_date") and not milestone.get("end_date")
