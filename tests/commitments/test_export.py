"""Exporting commitments in the shape of OGP's sheet: the same headers, a round trip that
changes nothing, formula-safe CSV with a BOM, JSON, public commitments only."""
from __future__ import annotations

import csv
import io
import json

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.commitments import sheet
from tests.commitments.conftest import import_sheet, sysadmin_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _export(**options) -> dict:
    return call_action("ogpcatalog_commitments_export", {"user": "", "ignore_auth": False}, **options)


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_export_has_the_sheet_headers_and_a_row_per_public_commitment(portal):
    import_sheet(portal)
    result = _export()
    assert result["format"] == "csv" and result["count"] == 8
    text = result["content"]
    assert text.splitlines()[0].lstrip("\ufeff").split(",")[:3] == [
        "Commitment Unique Identifier", "Country/Locality", "Action Plan Number"]
    rows = _rows(text)
    assert [r["Commitment Unique Identifier"] for r in rows] == [
        "CR0101", "EC0001", "EC0002", "EC0003", "EC0004", "EC0005", "EC0008", "EC0009"]
    ec3 = next(r for r in rows if r["Commitment Unique Identifier"] == "EC0003")
    assert ec3["Country/Locality"] == "Ecuador" and ec3["Action Plan Number"] == "1"
    assert (ec3["Year Of Submission"], ec3["Action Plan End Year"]) == ("2019", "2022")
    assert ec3["Lead Institution"] == "Servicio Nacional de Contratacion Publica (SERCOP)"
    assert ec3["Supporting Institution(s)"] == "Open Contracting Partnership; Fundación Ciudadanía y Desarrollo"
    assert ec3["OGP Value: Public Accountability"] == "1" and ec3["OGP Value: Civic Participation"] == "0"
    assert ec3["Policy Area: Open contracting"] == "1"
    assert (ec3["Specificity"], ec3["Did It Open Government"], ec3["Starred"]) == ("High", "Outstanding", "Yes")


def test_cells_that_look_like_formulas_are_neutralised(portal):
    import_sheet(portal)
    ec8 = next(r for r in _rows(_export()["content"]) if r["Commitment Unique Identifier"] == "EC0008")
    assert ec8["Short Title"] == "'+Trámites"
    assert ec8["Full Text"].startswith("'=1+1")


def test_import_export_import_changes_nothing(portal):
    import_sheet(portal)
    exported = _export()["content"]
    again = call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=exported)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 8, "error": 0}
    assert again["columns"]["unknown"] == []
    assert _export()["content"] == exported


def test_json_export_imports_back_without_change(portal):
    import_sheet(portal)
    exported = json.dumps(_export(format="json")["content"], ensure_ascii=False)
    again = call_action("ogpcatalog_commitments_import", sysadmin_context(portal), csv=exported)
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 8, "error": 0}


def test_export_of_one_action_plan_in_json(portal):
    import_sheet(portal)
    result = _export(format="json", action_plan="ecuador-2022-2024")
    assert result["filename"] == "ecuador-2022-2024-ogp.json"
    assert [r["Commitment Unique Identifier"] for r in result["content"]] == ["EC0008", "EC0009"]
    assert result["content"][0]["Short Title"] == "+Trámites"  # JSON is not a spreadsheet


def test_private_commitments_are_not_exported(portal):
    import_sheet(portal)
    ec1 = call_action("package_search", fq='ogp_id:"EC0001"')["results"][0]
    call_action("package_patch", sysadmin_context(portal), id=ec1["id"], private=True)
    ids = [r["Commitment Unique Identifier"] for r in _rows(_export()["content"])]
    assert "EC0001" not in ids and len(ids) == 7


def test_bad_format_and_unknown_plan_are_field_errors(portal):
    with pytest.raises(tk.ValidationError) as raised:
        _export(format="xlsx")
    assert "xlsx" in raised.value.error_dict["format"][0]
    with pytest.raises(tk.ValidationError) as raised:
        _export(action_plan="no-such-plan")
    assert raised.value.error_dict["action_plan"]


def test_download_from_the_action_plan_page(app, portal):
    import_sheet(portal)
    page = app.get("/action-plan/ecuador-2022-2024")
    assert "/commitments/export.csv?action_plan=ecuador-2022-2024" in page.body
    response = app.get("/commitments/export.csv", query_string={"action_plan": "ecuador-2022-2024"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ecuador-2022-2024-ogp.csv"' in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffCommitment Unique Identifier,")
    assert [r["Commitment Unique Identifier"] for r in _rows(body)] == ["EC0008", "EC0009"]
    data = json.loads(app.get("/commitments/export.json").get_data(as_text=True))
    assert len(data) == 8
    app.get("/commitments/export.csv", query_string={"action_plan": "nope"}, status=404)
    app.get("/commitments/export.xml", status=404)


def test_anonymous_api_export(app, portal):
    import_sheet(portal)
    response = app.get("/api/3/action/ogpcatalog_commitments_export",
                       query_string={"format": "json"})
    assert response.json["result"]["count"] == 8


def test_headers_of_the_export_are_read_back_as_the_same_columns():
    for key, header in sheet.columns():
        assert sheet.key_for_header(header) == key, header
