"""Every dashboard table downloads as CSV (UTF-8 with BOM), JSON and XLSX, with the page's
filters, headers in the request's language, and formula injection neutralised."""
from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from tests.metrics.dashboard_portal import INJECTED_TITLE, NO_CACHE, app, portal, token  # noqa: F401

pytestmark = NO_CACHE



def _get(app, portal, url, status=200):
    return app.get(url, headers=token(portal["sysadmin"]), status=status)


def _csv(app, portal, url):
    response = _get(app, portal, url)
    assert response.data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _records(rows):
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_institutions_csv_has_english_headers_and_numbers(app, portal):
    records = {r["Name"]: r for r in _records(_csv(app, portal, "/en/publishers/export/institutions.csv"))}

    assert records["msp"]["Public datasets"] == "3"
    assert records["msp"]["Private datasets"] == "1"
    assert records["msp"]["Overdue datasets"] == "2"
    assert records["sercop"]["Institution type"] == "Public agency or institute"


def test_csv_headers_follow_the_request_language(app, portal):
    spanish = _get(app, portal, "/publishers/export/institutions.csv")
    english = _get(app, portal, "/en/publishers/export/institutions.csv")

    assert spanish.headers["Content-Language"] == "es"
    assert english.headers["Content-Language"] == "en"
    header = spanish.data.decode("utf-8-sig").splitlines()[0]
    assert "Nombre" in header  # CKAN's own Spanish for "Name"
    assert "Tipo de institución" not in english.data.decode("utf-8-sig").splitlines()[0]


def test_csv_neutralises_a_title_that_is_a_formula(app, portal):
    records = {r["Name"]: r for r in _records(_csv(app, portal, "/en/publishers/export/institutions.csv"))}

    assert records["inyeccion"]["Institution"] == "'" + INJECTED_TITLE


def test_xlsx_opens_with_numbers_as_numbers_and_the_formula_as_text(app, portal):
    response = _get(app, portal, "/en/publishers/export/institutions.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_name = {row[header.index("Name")]: row for row in rows[1:]}

    assert response.headers["Content-Disposition"].startswith('attachment; filename="publishers-institutions-')
    assert by_name["msp"][header.index("Public datasets")] == 3
    assert by_name["inyeccion"][header.index("Institution")] == "'" + INJECTED_TITLE
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_json_export_has_columns_rows_and_filters(app, portal):
    document = json.loads(_get(app, portal, "/en/publishers/export/institutions.json?sector=07").data)

    assert document["table"] == "institutions"
    assert document["filters"] == {"sector": ["07"]}
    assert [row["name"] for row in document["rows"]] == ["msp"]
    assert document["rows"][0]["public"] == 3
    assert {"key": "public", "header": "Public datasets"} in document["columns"]


def test_summary_csv_lists_the_headline_figures(app, portal):
    records = {r["Indicator"]: r["Value"] for r in _records(_csv(app, portal, "/en/publishers/export/summary.csv"))}

    assert records["Public datasets"] == "5"
    assert records["Publishing institutions"] == "3"
    assert records["Overdue datasets"] == "2"


def test_coverage_csv_by_theme_has_a_column_per_theme(app, portal):
    records = {r["Name"]: r for r in _records(_csv(app, portal, "/en/publishers/export/coverage.csv?by=theme"))}

    assert records["msp"]["Health"] == "3"
    assert records["msp"]["Government and public sector"] == "1"
    assert records["senescyt"]["Education, culture and sport"] == "1"


def test_overdue_json_for_one_institution_has_due_dates(app, portal):
    document = json.loads(_get(app, portal, "/en/publishers/export/overdue.json?institution=msp").data)
    rows = {row["name"]: row for row in document["rows"]}

    assert sorted(rows) == ["camas-hospitalarias", "estructura-organica-msp"]
    assert rows["camas-hospitalarias"]["last_modified"].startswith("2020-01-15")
    assert rows["camas-hospitalarias"]["due"] > "2020-02"
    assert rows["camas-hospitalarias"]["days_overdue"] > 365


def test_quality_xlsx_has_a_score_for_every_public_dataset(app, portal):
    sheet = openpyxl.load_workbook(io.BytesIO(_get(app, portal, "/en/publishers/export/quality.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    score = rows[0].index("Score")

    assert len(rows) - 1 == 5
    assert all(isinstance(row[score], (int, float)) for row in rows[1:])


def test_compliance_csv_ranks_the_ministries(app, portal):
    records = {r["Name"]: r for r in _records(_csv(app, portal, "/en/publishers/export/compliance.csv"))}

    assert sorted(records) == ["msp", "senescyt"]
    assert records["senescyt"]["Obligations missing"] == "1"


def test_timeseries_csv_ends_with_todays_figures(app, portal):
    rows = _csv(app, portal, "/en/publishers/export/timeseries.csv")

    assert rows[0] == ["Date", "Public datasets", "Publishing institutions"]
    assert rows[-1][1:] == ["5", "3"]


def test_obligations_csv_of_an_institution(app, portal):
    records = _records(_csv(app, portal, "/en/publishers/export/obligations.csv?institution=senescyt"))

    assert [(r["Code"], r["Status"]) for r in records] == [("estructura-organica", "Missing")]


def test_obligations_export_needs_an_institution(app, portal):
    response = _get(app, portal, "/en/publishers/export/obligations.csv", status=400)

    assert "institution" in response.body


@pytest.mark.parametrize("url", ["/publishers/export/nothing.csv", "/publishers/export/summary.pdf"])
def test_unknown_table_or_format_is_404(app, portal, url):
    _get(app, portal, url, status=404)
