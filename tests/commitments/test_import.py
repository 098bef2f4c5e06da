"""Importing OGP's commitments sheet: rows become commitments in their action plans, bad rows
are reported by row and column, a second import changes nothing."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.commitments.conftest import (SHEET, SHEET_LATIN1, import_sheet, sysadmin_context,
                                        upload)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _by_id(result: dict) -> dict[str, dict]:
    """Row reports by OGP identifier (the first row of a repeated identifier wins)."""
    found: dict[str, dict] = {}
    for row in result["rows"]:
        found.setdefault(row["ogp_id"], row)
    return found


def _commitment(ogp_id: str) -> dict:
    package = model.Session.query(model.Package).filter(
        model.Package.extras["ogp_id"].astext == ogp_id).one()
    return call_action("package_show", id=package.id)


def _activity_count() -> int:
    return model.Session.execute(sa.text("select count(*) from activity")).scalar()


def _counts() -> tuple[int, int, int]:
    packages = model.Session.query(model.Package).filter_by(type="commitment").count()
    groups = model.Session.query(model.Group).filter_by(type="action-plan").count()
    return packages, groups, _activity_count()


# --- creating -------------------------------------------------------------------------------


def test_import_creates_commitments_in_their_action_plans(portal):
    result = import_sheet(portal)

    assert result["counts"] == {"created": 8, "updated": 0, "unchanged": 0, "error": 4}
    assert result["action_plans_created"] == ["ecuador-2022-2024", "costa-rica-2023-2027"]
    rows = _by_id(result)
    assert rows["EC0001"]["action_plan"] == "ecuador-2019-2022"  # existing plan, matched
    assert rows["EC0008"]["action_plan"] == "ecuador-2022-2024"

    ec3 = _commitment("EC0003")
    assert ec3["action_plan"] == "ecuador-2019-2022"
    assert ec3["title_translated"] == {"es": "Plataforma de Información Abierta de Contratación Pública"}
    assert ec3["short_title"] == {"es": "Contratación abierta"}
    assert ec3["notes_translated"]["es"].startswith("Publicar los datos")
    assert ec3["ogp_values"] == ["access-to-information", "public-accountability",
                                 "technology-innovation"]
    assert ec3["policy_areas"] == ["anti-corruption", "open-contracting"]
    assert ec3["start_date"][:10] == "2019-09-01" and ec3["end_date"][:10] == "2022-08-31"
    assert [s["name"] for s in ec3["supporting_institutions"]] == [
        "Open Contracting Partnership", "Fundación Ciudadanía y Desarrollo"]
    assert sorted(t["name"] for t in ec3["tags"]) == ["Open Contracting", "Public Procurement"]
    assert (ec3["irm_specificity"], ec3["irm_potential_impact"], ec3["irm_completion"],
            ec3["irm_did_it_open_government"], ec3["irm_starred"]) == (
        "specificity-high", "impact-transformative", "completion-complete", "dog-outstanding", "yes")


def test_new_action_plans_get_a_bilingual_title_scope_and_period(portal):
    import_sheet(portal)
    plan = call_action("group_show", id="costa-rica-2023-2027")
    assert plan["type"] == "action-plan"
    assert plan["title_translated"] == {
        "es": "Plan de Acción de Gobierno Abierto de Costa Rica n.º 5 2023-2027",
        "en": "Costa Rica Open Government Action Plan No. 5 2023-2027"}
    assert (plan["country_or_locality"], plan["plan_scope"], str(plan["plan_number"])) == (
        "Costa Rica", "national", "5")
    assert plan["period_start"][:4] == "2023" and plan["period_end"][:4] == "2027"


def test_lead_institutions_match_by_title_name_acronym_and_translation(portal):
    import_sheet(portal)
    assert _commitment("EC0001")["lead_institution"] == "mintel"  # title
    assert _commitment("EC0002")["lead_institution"] == "mintel"  # name, other case
    ec3 = _commitment("EC0003")  # no accents, "(SERCOP)"
    assert ec3["lead_institution"] == "sercop" and ec3["owner_org"] == _org_id("sercop")
    assert _commitment("EC0004")["lead_institution"] == "maate"  # Spanish title, upper case


def _org_id(name: str) -> str:
    return model.Group.get(name).id


def test_unknown_lead_institution_is_kept_as_text_and_reported(portal):
    result = import_sheet(portal)
    row = _by_id(result)["EC0005"]
    assert row["outcome"] == "created"
    assert row["warnings"] == [{"field": "Lead Institution", "message":
                                "Institution not found on the portal, kept as text: "
                                "Defensoría del Pueblo del Ecuador"}]
    ec5 = _commitment("EC0005")
    assert not ec5.get("lead_institution")
    assert ec5["lead_institution_name"] == {"es": "Defensoría del Pueblo del Ecuador"}
    assert ec5["owner_org"] == _org_id("mintel")  # the default publishing institution


def test_unknown_lead_institution_without_a_default_publisher_is_a_row_error(portal):
    result = import_sheet(portal, owner_org=None)
    row = _by_id(result)["EC0005"]
    assert row["outcome"] == "error"
    assert row["errors"][0]["field"] == "Lead Institution"
    assert "owner_org" in row["errors"][0]["message"]
    assert result["counts"]["created"] == 6


def test_bad_rows_are_reported_with_their_row_number_and_column(portal):
    result = import_sheet(portal)
    errors = {row["row"]: row["errors"] for row in result["rows"] if row["outcome"] == "error"}
    assert errors[7] == [{"field": "Specificity",
                          "message": "Unknown value: Altísima. Expected one of: None, Low, Medium, High"}]
    assert errors[8][0]["field"] == "commitment unique identifier"
    assert "EC00X7" in errors[8][0]["message"]
    assert errors[9] == [{"field": "commitment unique identifier",
                          "message": "Duplicate identifier EC0003: already in row 4"}]
    assert errors[13] == [{"field": "Commitment Title", "message": "Missing value"}]
    # Nothing of the bad rows was written; the rows after them were.
    for ogp_id in ("EC0006", "EC00X7", "EC0011"):
        assert model.Session.query(model.Package).filter(
            model.Package.extras["ogp_id"].astext == ogp_id).count() == 0
    assert _commitment("EC0003")["short_title"] == {"es": "Contratación abierta"}
    assert result["columns"]["unknown"] == ["Notas internas"]


def test_latin1_file_with_semicolons_and_other_header_spellings_imports(portal):
    result = import_sheet(portal, SHEET_LATIN1)
    assert result["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "error": 0}
    assert result["columns"]["unknown"] == ["Notas internas"]
    ec4 = _commitment("EC0004")
    assert ec4["short_title"] == {"es": "Acuerdo de Escazú"}
    assert ec4["ogp_values"] == ["access-to-information", "civic-participation"]
    assert ec4["policy_areas"] == ["access-to-information", "climate-environment"]
    # The same rows in UTF-8: nothing to change.
    again = import_sheet(portal)
    assert [r["outcome"] for r in again["rows"][:4]] == ["unchanged"] * 4


def test_excel_workbook_imports_like_the_csv(portal, tmp_path):
    workbook = openpyxl.Workbook()
    for cells in csv.reader(io.StringIO(SHEET.read_text(encoding="utf-8-sig"))):
        workbook.active.append([int(c) if c.isdigit() and len(c) < 3 else c for c in cells])
    for row in workbook.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as a spreadsheet stores '=1+1 ...
    path = tmp_path / "commitments.xlsx"
    workbook.save(path)
    result = import_sheet(portal, path)
    assert result["counts"] == {"created": 8, "updated": 0, "unchanged": 0, "error": 4}
    assert _by_id(result)["EC0006"]["errors"][0]["field"] == "Specificity"
    assert _by_id(result)["EC0006"]["row"] == 7
    # The CSV holds the same commitments.
    assert import_sheet(portal)["counts"]["unchanged"] == 8


def test_binary_file_is_refused_plainly(portal, tmp_path):
    path = tmp_path / "commitments.pdf"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02binary")
    with pytest.raises(tk.ValidationError) as raised:
        import_sheet(portal, path)
    assert raised.value.error_dict["csv"] == ["Not a CSV file: it looks like a binary file"]


# --- dry run, idempotency, updates ----------------------------------------------------------


def test_dry_run_reports_the_same_outcomes_and_writes_nothing(portal):
    before = _counts()
    dry = import_sheet(portal, dry_run=True)
    assert _counts() == before
    assert dry["dry_run"] is True
    assert dry["counts"] == {"created": 8, "updated": 0, "unchanged": 0, "error": 4}
    assert dry["action_plans_created"] == ["ecuador-2022-2024", "costa-rica-2023-2027"]

    real = import_sheet(portal)
    assert [(r["row"], r["outcome"], r["errors"]) for r in real["rows"]] == [
        (r["row"], r["outcome"], r["errors"]) for r in dry["rows"]]


def test_second_import_of_the_same_file_changes_nothing(portal):
    import_sheet(portal)
    before = _counts()
    modified = {row[0]: row[1] for row in model.Session.query(
        model.Package.name, model.Package.metadata_modified).filter_by(type="commitment")}

    again = import_sheet(portal)

    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 8, "error": 4}
    assert again["action_plans_created"] == []
    assert _counts() == before  # no new dataset, plan or activity
    model.Session.expire_all()
    assert {row[0]: row[1] for row in model.Session.query(
        model.Package.name, model.Package.metadata_modified).filter_by(type="commitment")} == modified


def test_changed_cell_updates_only_that_commitment_and_keeps_the_other_language(portal):
    import_sheet(portal)
    ec2 = _commitment("EC0002")
    call_action("package_patch", sysadmin_context(portal), id=ec2["id"],
                title_translated={"es": ec2["title_translated"]["es"], "en": "Open data portal redesign"},
                milestones=[{"description": {"es": "Lanzamiento"}, "end_date": "2020-12-31",
                             "evidence_datasets": ["indicadores-tic"]}])
    text = SHEET.read_text(encoding="utf-8-sig").replace(
        "Rediseño del portal de datos abiertos", "Rediseño y actualización del portal de datos abiertos")

    result = call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=text,
                         owner_org="mintel")

    assert result["counts"] == {"created": 0, "updated": 1, "unchanged": 7, "error": 4}
    assert _by_id(result)["EC0002"]["changed"] == ["title_translated"]
    updated = _commitment("EC0002")
    assert updated["title_translated"] == {
        "es": "Rediseño y actualización del portal de datos abiertos", "en": "Open data portal redesign"}
    assert updated["milestones"][0]["evidence_datasets"] == ["indicadores-tic"]  # not in the sheet


def test_english_sheet_fills_the_english_texts(portal):
    import_sheet(portal)
    text = SHEET.read_text(encoding="utf-8-sig").replace(
        "Rediseño del portal de datos abiertos", "Open data portal redesign")
    call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=text,
                owner_org="mintel", language="en")
    ec2 = _commitment("EC0002")
    assert ec2["title_translated"] == {"es": "Rediseño del portal de datos abiertos",
                                       "en": "Open data portal redesign"}


def test_interrupted_import_keeps_whole_rows_only(portal):
    seen = []

    def stop_after_two(report):
        seen.append(report)
        if len(seen) == 2:
            raise KeyboardInterrupt

    context = {**sysadmin_context(portal), "ogpcatalog_progress": stop_after_two}
    with pytest.raises(KeyboardInterrupt):
        call_action("ogpcatalog_commitments_import", context,
                    upload=upload(SHEET), owner_org="mintel")
    model.Session.rollback()
    names = sorted(p.name for p in model.Session.query(model.Package).filter_by(type="commitment"))
    assert names == ["ec0001-politica-de-datos-abiertos", "ec0002-portal-de-datos-abiertos"]
    # Run again: the rest is created, the first two are unchanged.
    result = import_sheet(portal)
    assert result["counts"] == {"created": 6, "updated": 0, "unchanged": 2, "error": 4}


def test_rows_go_into_the_action_plan_given(portal):
    result = import_sheet(portal, action_plan="ecuador-2019-2022")
    assert result["action_plans_created"] == []
    assert _commitment("CR0101")["action_plan"] == "ecuador-2019-2022"


# --- whole-file errors ----------------------------------------------------------------------


def test_missing_required_columns_are_named(portal):
    text = "numero,compromiso,desc\n1,Baches,Reparar baches\n"
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=text)
    message = raised.value.error_dict["csv"][0]
    assert "Commitment Unique Identifier" in message and "Country/Locality" in message
    assert "numero" in message and "desc" in message  # the unknown columns


def test_json_that_is_not_a_list_of_rows_is_refused_plainly(portal):
    with pytest.raises(tk.ValidationError) as raised:
        call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv='{"12": {"a": 1}}')
    assert raised.value.error_dict["csv"] == [
        "The file is JSON but not a list of rows (objects with one key per column)"]


def test_json_list_of_rows_is_read_like_a_sheet(portal):
    text = ('[{"Commitment Unique Identifier": "EC0031", "Country/Locality": "Ecuador", '
            '"Year Of Submission": 2019, "Action Plan End Year": 2022, '
            '"Commitment Title": "Datos de salud", "Lead Institution": "MINTEL", '
            '"Supporting Institution(s)": ["Universidad Central", "Fundación Datos"]}]')
    result = call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=text)
    assert result["counts"]["created"] == 1 and result["rows"][0]["row"] == 1
    ec31 = _commitment("EC0031")
    assert ec31["action_plan"] == "ecuador-2019-2022"
    assert [s["name"] for s in ec31["supporting_institutions"]] == ["Universidad Central", "Fundación Datos"]


def test_unknown_action_plan_is_a_field_error(portal):
    with pytest.raises(tk.ValidationError) as raised:
        import_sheet(portal, action_plan="no-such-plan")
    assert raised.value.error_dict["action_plan"] == ["Action plan not found: no-such-plan"]


def test_mapping_file_names_other_headers(portal):
    text = ("clave;pais;nombre;institucion\n"
            "EC0021;Ecuador;Datos de salud;MINTEL\n")
    result = call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=text,
                         columns="clave: ogp_id\npais: country\nnombre: title\ninstitucion: lead_institution\n")
    assert result["counts"]["created"] == 1
    assert _commitment("EC0021")["lead_institution"] == "mintel"


# --- who may import -------------------------------------------------------------------------


def test_only_sysadmins_may_import(portal):
    editor = factories.User()
    call_action("organization_member_create", id="mintel", username=editor["name"], role="editor")
    for context in ({"user": ""}, {"user": editor["name"]}):
        with pytest.raises(tk.NotAuthorized):
            call_action("ogpcatalog_commitments_import", {**context, "ignore_auth": False},
                        csv=SHEET.read_text(encoding="utf-8-sig"))
    assert _counts()[0] == 0


def test_api_import_by_upload_answers_in_the_requested_language(app, portal):
    token = factories.SysadminWithToken()["token"]
    for headers, invalid_id, missing in (
            ({}, "Identificador de compromiso OGP no válido", "Falta el valor"),
            ({"Accept-Language": "en"}, "Invalid OGP commitment identifier", "Missing value")):
        response = app.post("/api/3/action/ogpcatalog_commitments_import",
                            data={"dry_run": "true", "owner_org": "mintel",
                                  "upload": (SHEET.open("rb"), "commitments.csv")},
                            headers={"Authorization": token, **headers})
        rows = {row["row"]: row for row in response.json["result"]["rows"]}
        assert rows[8]["errors"][0]["field"] == "commitment unique identifier"
        assert rows[8]["errors"][0]["message"].startswith(invalid_id)
        assert rows[13]["errors"] == [{"field": "Commitment Title", "message": missing}]
    assert _counts()[0] == 0


def test_api_import_refuses_anonymous_and_editors(app, portal):
    editor = factories.UserWithToken()
    call_action("organization_member_create", id="mintel", username=editor["name"], role="editor")
    for headers in ({}, {"Authorization": editor["token"]}):
        app.post("/api/3/action/ogpcatalog_commitments_import",
                 json={"csv": SHEET.read_text(encoding="utf-8-sig")}, headers=headers, status=403)


@pytest.mark.ckan_config("ckanext.ogpcatalog.commitments.max_bytes", "200")
def test_files_over_the_size_limit_are_refused(portal):
    with pytest.raises(tk.ValidationError) as raised:
        import_sheet(portal)
    assert raised.value.error_dict["upload"] == ["The file is larger than 200 bytes"]
    assert _counts()[0] == 0


def test_api_upload_that_is_not_a_file_is_a_field_error(app, portal):
    token = factories.SysadminWithToken()["token"]
    response = app.post("/api/3/action/ogpcatalog_commitments_import", json={"upload": 123},
                        headers={"Authorization": token, "Accept-Language": "en"}, status=409)
    assert response.json["error"]["upload"] == ["Expected a file"]
