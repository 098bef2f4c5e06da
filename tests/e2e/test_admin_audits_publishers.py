"""A portal admin audits publisher coverage on the dashboard and downloads a table."""
from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.e2e


def test_admin_filters_dashboard_drills_down_to_an_institution_and_downloads_csv(
        journey, api, sysadmin_login):
    page = journey.page
    journey.login(*sysadmin_login)
    journey.go("/publishers")
    assert page.locator("html").get_attribute("lang") == "es"
    journey.step("dashboard")
    assert page.locator("svg, table").count() >= 2  # charts with their tables

    # Filter: ministries only.
    page.select_option("#filter-institution_type", "ministry")
    page.locator("form.ogp-metrics-filters button[type=submit]").click()
    page.wait_for_url("**institution_type=ministry**")
    page.wait_for_load_state()
    journey.step("filtered to ministries")
    ministries = api("ogpcatalog_institution_metrics_list", institution_type="ministry")
    names = [row["name"] for row in ministries["results"]]
    assert names, "the demo has ministries"
    body = page.locator("#institutions-title").locator("xpath=..").inner_text()
    agency = api("organization_show", id="sercop")  # an agency, not a ministry
    assert agency["title"] not in body

    # Drill down to one ministry's page.
    target = names[0]
    page.locator(f"a[href$='/publishers/{target}']").first.click()
    page.wait_for_url(f"**/publishers/{target}")
    page.wait_for_load_state()
    journey.step("institution page")
    heading = page.locator("h1").first.inner_text()
    assert api("organization_show", id=target)["title"] in heading
    assert page.locator("table").count() >= 1

    # Download the institutions table as CSV (UTF-8 with BOM, Spanish headers).
    journey.go("/publishers")
    link = page.locator("section:has(#institutions-title) a[download], #institutions-title ~ * a[download]") \
        .filter(has_text="CSV").first
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    path = journey.folder / "institutions.csv"
    download.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV for spreadsheets starts with a BOM"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    everyone = api("ogpcatalog_institution_metrics_list", limit=1000)
    assert len(rows) == everyone["count"]
    by_name = {row["Nombre"]: row for row in rows}  # Spanish headers
    assert set(by_name) == {row["name"] for row in everyone["results"]}
    # (The figures may be up to `dashboard_cache_seconds` old, as on the page: numbers only.)
    public = next(header for header in rows[0] if "públicos" in header.lower())
    assert all(row[public].isdigit() for row in rows)
