"""The dashboard's chart module (assets/javascript/modules/chart.js) in a real browser:
it draws an SVG from the table beside it and leaves the table, the accessible version, in
place. The module runs under a minimal stand-in for CKAN's module loader (``ckan.module``
with the ``data-module-*`` options), with CKAN's own jQuery."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ckan

ROOT = Path(__file__).resolve().parents[2]
CHART_JS = ROOT / "ckanext" / "ogpcatalog" / "assets" / "javascript" / "modules" / "chart.js"
JQUERY = Path(ckan.__file__).parent / "public" / "base" / "vendor" / "jquery.js"
CHROMIUM = "/usr/bin/chromium"

LOADER = """
window.ckan = {module: function (name, factory) { (window.modules = window.modules || {})[name] = factory; }};
"""
START = """
document.querySelectorAll('[data-module="ogpcatalog-chart"]').forEach(function (el) {
  var module = window.modules['ogpcatalog-chart'].call(window.ckan, jQuery);
  var options = {};
  Object.keys(el.dataset).forEach(function (key) {
    if (key.indexOf('module') === 0 && key.length > 6) {
      options[key.charAt(6).toLowerCase() + key.slice(7)] = el.dataset[key];
    }
  });
  module.el = jQuery(el);
  module.options = jQuery.extend({}, module.options, options);
  module.initialize();
});
"""
TABLES = """
<table id="series" data-module="ogpcatalog-chart" data-module-kind="line">
  <thead><tr><th>Fecha</th><th>Conjuntos de datos</th><th>Instituciones</th></tr></thead>
  <tbody>
    <tr><th data-value="2026-09-30">2026-09</th><td data-value="10">10</td><td data-value="2">2</td></tr>
    <tr><th data-value="2026-10-31">2026-10</th><td data-value="15">15</td><td data-value="3">3</td></tr>
    <tr><th data-value="2026-11-30">2026-11</th><td data-value="1234.5">1.234,5</td><td data-value="4">4</td></tr>
  </tbody>
</table>
<table id="ranking" data-module="ogpcatalog-chart" data-module-kind="bar" data-module-column="2">
  <thead><tr><th>Institución</th><th data-chart="skip">Posición</th><th>Cumplimiento (%)</th></tr></thead>
  <tbody>
    <tr><th>Ministerio de Salud</th><td>1</td><td data-value="100">100 %</td></tr>
    <tr><th>Secretaría de Educación</th><td>2</td><td data-value="50">50 %</td></tr>
    <tr><th>Sin datos</th><td>3</td><td data-value="">–</td></tr>
  </tbody>
</table>
"""


@pytest.fixture(scope="module")
def page():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    html = (f"<!doctype html><html><body>{TABLES}<script>{JQUERY.read_text()}</script>"
            f"<script>{LOADER}</script><script>{CHART_JS.read_text()}</script>"
            f"<script>{START}</script></body></html>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.set_content(html)
        tab.errors = errors
        yield tab
        browser.close()


def test_module_runs_without_errors(page):
    assert page.errors == []


def test_line_chart_has_one_line_per_series_with_a_point_per_row(page):
    chart = page.locator("#series").evaluate("t => t.previousElementSibling.outerHTML")
    lines = page.locator(".ogp-chart").first.locator("polyline")

    assert 'aria-hidden="true"' in chart
    assert lines.count() == 2
    assert len(lines.first.get_attribute("points").split()) == 3
    assert page.locator(".ogp-chart").first.locator(".legend span").all_inner_texts() == [
        "Conjuntos de datos", "Instituciones"]


def test_line_chart_scales_to_the_largest_value(page):
    points = page.locator(".ogp-chart").first.locator("polyline").first.get_attribute("points")
    ys = [float(p.split(",")[1]) for p in points.split()]

    assert ys[0] > ys[1] > ys[2]  # higher values are drawn higher (smaller y)


def test_bar_chart_draws_the_chosen_column_and_skips_empty_cells(page):
    bars = page.locator("#ranking").evaluate(
        "t => Array.from(t.previousElementSibling.querySelectorAll('rect')).map(r => +r.getAttribute('width'))")

    assert len(bars) == 2
    assert bars[0] == pytest.approx(2 * bars[1])


def test_tables_stay_on_the_page(page):
    assert page.locator("#series tbody tr").count() == 3
    assert page.locator("#ranking").is_visible()
