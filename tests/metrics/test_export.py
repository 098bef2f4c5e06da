"""The dashboard's export encoders: CSV with BOM, JSON, XLSX; formula injection neutralised."""
from __future__ import annotations

import csv
import datetime
import decimal
import io
import json

import openpyxl
import pytest

from ckanext.ogpcatalog.metrics import export
from ckanext.ogpcatalog.metrics.export import Column

COLUMNS = [Column("name", "Institución"), Column("datasets", "Conjuntos de datos"),
           Column("score", "Puntaje")]
ROWS = [
    {"name": "Ministerio de Salud Pública", "datasets": 12, "score": 87.5},
    {"name": "=HYPERLINK(\"http://evil.example\",\"clic\")", "datasets": -3, "score": decimal.Decimal("1.25")},
    {"name": "+58 212", "datasets": 0, "score": None},
    {"name": "@SUM(A1:A2)", "datasets": 1, "score": 2.0},
    {"name": "-2+3", "datasets": 2, "score": 3.0},
    {"name": "\tTAB", "datasets": 3, "score": 4.0},
    {"name": "\rCR", "datasets": 4, "score": 5.0},
]


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_neutralise_prefixes_formula_text_with_a_quote(text):
    assert export.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3, decimal.Decimal("-1"), None, True,
                                   "Ministerio", "a=b", datetime.date(2026, 1, 2)])
def test_neutralise_leaves_numbers_and_harmless_values_alone(value):
    assert export.neutralise(value) == value


def test_plain_flattens_lists_dicts_decimals_and_nan():
    assert export.plain(["CSV", "JSON"]) == "CSV; JSON"
    assert export.plain({"es": "Salud", "en": "Health"}) == '{"en": "Health", "es": "Salud"}'
    assert export.plain(decimal.Decimal("4")) == 4 and isinstance(export.plain(decimal.Decimal("4")), int)
    assert export.plain(decimal.Decimal("0.5")) == 0.5
    assert export.plain(float("nan")) is None


def test_csv_is_utf8_with_bom_and_translated_headers():
    body = export.to_csv(COLUMNS, ROWS)

    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Institución", "Conjuntos de datos", "Puntaje"]
    assert rows[1] == ["Ministerio de Salud Pública", "12", "87.5"]


def test_csv_neutralises_every_formula_cell_and_keeps_negative_numbers():
    rows = list(csv.reader(io.StringIO(export.to_csv(COLUMNS, ROWS).decode("utf-8-sig"))))
    names = [r[0] for r in rows[1:]]

    assert names[1] == "'=HYPERLINK(\"http://evil.example\",\"clic\")"
    assert names[2:] == ["'+58 212", "'@SUM(A1:A2)", "'-2+3", "'\tTAB", "'\rCR"]
    assert rows[2][1] == "-3"  # a number, not neutralised
    assert rows[2][2] == "1.25"
    assert rows[3][2] == ""  # None is an empty cell


def test_json_keeps_values_and_lists_columns():
    document = json.loads(export.to_json(COLUMNS, ROWS, {"table": "ranking", "filters": {"sector": "health"}}))

    assert document["table"] == "ranking"
    assert document["filters"] == {"sector": "health"}
    assert document["columns"][0] == {"key": "name", "header": "Institución"}
    assert document["rows"][0] == {"name": "Ministerio de Salud Pública", "datasets": 12, "score": 87.5}
    assert document["rows"][1]["datasets"] == -3
    assert document["rows"][1]["score"] == 1.25


def test_json_writes_nan_as_null_and_dates_as_iso():
    columns = [Column("day", "Día"), Column("value", "Valor")]
    document = json.loads(export.to_json(columns, [{"day": datetime.date(2026, 11, 1), "value": float("inf")}]))

    assert document["rows"] == [{"day": "2026-11-01", "value": None}]


def test_xlsx_opens_with_numbers_as_numbers_and_formulas_as_text():
    workbook = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(COLUMNS, ROWS, "Ranking")))
    sheet = workbook["Ranking"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert values[0] == ["Institución", "Conjuntos de datos", "Puntaje"]
    assert values[1] == ["Ministerio de Salud Pública", 12, 87.5]
    assert values[2][0] == "'=HYPERLINK(\"http://evil.example\",\"clic\")"
    assert values[2][1] == -3 and values[2][2] == 1.25
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert [r[0] for r in values[3:]] == ["'+58 212", "'@SUM(A1:A2)", "'-2+3", "'\tTAB", "'\rCR"]


def test_xlsx_drops_characters_xml_cannot_hold():
    body = export.to_xlsx([Column("t", "T")], [{"t": "a\x00b\x07c"}])
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active

    assert sheet["A2"].value == "abc"


def test_sheet_title_is_cleaned_and_truncated():
    assert export.sheet_title("Cobertura [tipo/sector]: todo") == "Cobertura _tipo_sector__ todo"
    assert len(export.sheet_title("x" * 50)) == 31


def test_encode_refuses_unknown_format():
    with pytest.raises(ValueError, match="pdf"):
        export.encode("pdf", COLUMNS, ROWS)


def test_filename_is_ascii_and_dated():
    assert export.filename("coverage-matrix", "xlsx", datetime.date(2026, 11, 22)) == \
        "publishers-coverage-matrix-2026-11-22.xlsx"
    assert export.filename("año/../x", "csv", datetime.date(2026, 1, 1)) == "publishers-a-o----x-2026-01-01.csv"
