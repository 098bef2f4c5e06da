"""Reading OGP's commitments sheet: header variants, encodings, delimiters, cell values."""
from __future__ import annotations

import pytest

from ckanext.ogpcatalog.commitments import sheet


@pytest.mark.parametrize("header, key", [
    ("Commitment Unique Identifier", "ogp_id"),
    ("commitment unique identifier", "ogp_id"),
    ("  COUNTRY / LOCALITY ", "country"),
    ("Country/Locality", "country"),
    ("País", "country"),
    ("Year of Submission", "submission_year"),
    ("Supporting Institution(s)", "supporting_institutions"),
    ("Supporting Institutions", "supporting_institutions"),
    ("Institución responsable", "lead_institution"),
    ("Access to Information", "value:access-to-information"),
    ("OGP Value: Access to Information", "value:access-to-information"),
    ("OGP value - Civic participation", "value:civic-participation"),
    ("Tech & Innovation for Transparency & Accountability", "value:technology-innovation"),
    ("Policy Area: Access to Information", "area:access-to-information"),
    ("Anti-Corruption & Integrity", "area:anti-corruption"),
    ("Área de política: Contrataciones abiertas", "area:open-contracting"),
    ("Did it open government?", "irm_did_it_open_government"),
    ("Starred", "irm_starred"),
    ("Notas internas", None),
])
def test_header_variants(header, key):
    assert sheet.key_for_header(header) == key


def test_utf8_with_bom_latin1_and_semicolons_are_read():
    text = "Commitment Unique Identifier;Commitment Title;Country\nEC0001;Política de datos;Ecuador\n"
    for content in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("latin-1")):
        parsed = sheet.read(content)
        assert parsed.delimiter == ";"
        assert parsed.rows == [(2, {"ogp_id": "EC0001", "title": "Política de datos", "country": "Ecuador"})]
        assert parsed.missing == []


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    text = 'Commitment Unique Identifier,Commitment Title\nEC0001,"Dos\nlíneas"\n,\nEC0002,Otro\n'
    assert [number for number, _row in sheet.read(text, required=()).rows] == [2, 4]


@pytest.mark.usefixtures("with_request_context")
@pytest.mark.parametrize("text, end, expected", [
    ("2019-09-01", False, "2019-09-01"),
    ("01/09/2019", False, "2019-09-01"),
    ("September 2019", False, "2019-09-01"),
    ("agosto de 2022", True, "2022-08-31"),
    ("2020-02", True, "2020-02-29"),
    ("2022", True, "2022-12-31"),
    ("", False, ""),
])
def test_dates(text, end, expected):
    assert sheet.date("end_date", text, end) == expected


@pytest.mark.usefixtures("with_request_context")
def test_bad_cells_name_their_column():
    record = sheet.parse_row(5, {"ogp_id": "EC0001", "title": "T", "start_date": "31/02/2021",
                                 "irm_specificity": "Altísima", "value:civic-participation": "maybe"})
    assert sorted(error.key for error in record.errors) == [
        "irm_specificity", "start_date", "value:civic-participation"]


@pytest.mark.usefixtures("with_request_context")
def test_irm_scales_read_english_spanish_and_codes():
    assert sheet.irm_code("irm_completion", "Substantial") == "completion-substantial"
    assert sheet.irm_code("irm_completion", "Sustancial") == "completion-substantial"
    assert sheet.irm_code("irm_potential_impact", "impact-minor") == "impact-minor"
    assert sheet.irm_code("irm_did_it_open_government", "Did Not Change") == "dog-did-not-change"
    assert sheet.irm_code("irm_starred", "1") == "yes"
    assert sheet.irm_code("irm_starred", "✔") == "yes"
    assert sheet.irm_code("irm_starred", "") == ""


def test_formula_guard_round_trips():
    for text in ("=SUM(A1)", "+57 1", "-x", "@cmd", "normal", "'quoted"):
        assert sheet.unformula(sheet.safe_cell(text)) == text
    assert sheet.safe_cell("=1+1") == "'=1+1"
