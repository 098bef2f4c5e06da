"""Indicators over a constructed portal, every figure computed by hand (see metrics_portal.py).

Quality points of the public datasets (no license, no description, no link check):
a1 140 (tags 30 + theme 30; CSV 20+10+20+20; publisher 10), a2 125 (60; XLSX 20+10+0+20;
10; `modified` 5), a3 110 (theme 30; JSON 70; 10), b1 130 (60; CSV+PDF 20+10+20+10; 10),
b2 110, b3 110, c1 120 (60; PDF 20+10+20+0; 10), b4 = c2 = c3 = 10 (publisher only).
"""
from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from tests.metrics.metrics_portal import portal  # noqa: F401  (module fixture)

pytestmark = pytest.mark.usefixtures("portal")


def _sys(portal) -> dict:
    return {"user": portal["sysadmin"]["name"]}


def _summary(portal, **filters):
    return call_action("ogpcatalog_metrics_summary_show", _sys(portal), **filters)


def test_summary_counts_datasets_by_visibility_origin_and_type(portal):
    datasets = _summary(portal)["datasets"]

    assert datasets == {"total": 13, "public": 10, "private": 3, "harvested": 1, "manual": 12,
                        "by_type": {"dataset": 6, "procurement": 2, "commitment": 2},
                        "private_by_type": {"dataset": 3, "procurement": 0, "commitment": 0}}


def test_summary_counts_resources_formats_and_open_machine_readable_shares(portal):
    summary = _summary(portal)

    assert summary["resources"] == {"total": 8, "open_format": 7, "machine_readable": 6,
                                    "open_format_share": 0.875, "machine_readable_share": 0.75}
    assert [(f["format"], f["resources"], f["open"], f["machine_readable"])
            for f in summary["formats"]] == [("CSV", 2, True, True), ("JSON", 2, True, True),
                                             ("PDF", 2, True, False), ("ODS", 1, True, True),
                                             ("XLSX", 1, False, True)]


def test_summary_counts_publishing_institutions_in_total_per_type_and_theme(portal):
    summary = _summary(portal)

    assert summary["institutions"] == {"total": 4, "publishing": 3, "publishing_share": 0.75}
    assert summary["publishing_by_type"] == {"dataset": 3, "procurement": 2, "commitment": 2}
    assert summary["publishing_by_theme"] == {"ECON": 2, "GOVE": 1, "HEAL": 1, "SOCI": 1,
                                              "TRAN": 1}


def test_summary_freshness_counts_datasets_without_frequency_apart(portal):
    assert _summary(portal)["freshness"] == {"with_frequency": 6, "without_frequency": 4,
                                             "up_to_date": 3, "overdue": 3,
                                             "up_to_date_share": 0.5}


def test_summary_quality_average_distribution_and_dimensions(portal):
    quality = _summary(portal)["quality"]

    # interoperability on each dataset's best distribution (b1: +10 over the average)
    assert quality["average"] == 88.5
    assert quality["max_points"] == 405
    assert quality["average_percent"] == 21.9
    assert quality["distribution"] == {"excellent": 0, "good": 0, "sufficient": 3, "bad": 7}
    assert quality["dimensions"] == {"findability": 33.0, "accessibility": 0.0,
                                     "interoperability": 45.0, "reusability": 10.0,
                                     "contextuality": 0.5}


def test_summary_obligations_and_commitments_with_evidence(portal):
    summary = _summary(portal)

    assert summary["obligations"] == {"obligations": 4, "applicable": 8, "met": 4, "missing": 3,
                                      "overdue": 1, "compliance_percent": 50.0}
    assert summary["commitments"] == {"total": 2, "with_evidence": 1, "without_evidence": 1}


def test_summary_filtered_by_institution_type_counts_only_those_institutions(portal):
    summary = _summary(portal, institution_type="municipality")

    assert summary["datasets"]["total"] == 5
    assert summary["datasets"]["public"] == 3
    assert summary["institutions"] == {"total": 2, "publishing": 1, "publishing_share": 0.5}
    assert summary["obligations"]["applicable"] == 3


def test_summary_filtered_by_dataset_type_and_theme(portal):
    procurement = _summary(portal, dataset_type="procurement")
    health = _summary(portal, theme=["HEAL"])
    both = _summary(portal, dataset_type="dataset,procurement", sector="01")

    assert procurement["datasets"]["total"] == 2
    assert procurement["institutions"]["publishing"] == 2
    assert health["datasets"] == {"total": 3, "public": 2, "private": 1, "harvested": 0,
                                  "manual": 3, "by_type": {"dataset": 2, "procurement": 0,
                                                           "commitment": 0},
                                  "private_by_type": {"dataset": 1, "procurement": 0,
                                                      "commitment": 0}}
    # sector 01: mef (b1, b2, b3) and quito (c1, c2, c4 private)
    assert both["datasets"]["total"] == 6


def test_summary_filtered_by_institution_name(portal):
    summary = _summary(portal, institution="quito")

    assert summary["datasets"]["total"] == 4
    assert summary["commitments"] == {"total": 1, "with_evidence": 0, "without_evidence": 1}


@pytest.mark.parametrize("field, value", [("institution_type", "ministerio"),
                                          ("theme", "XXXX"), ("dataset_type", "harvest"),
                                          ("institution", "no-existe"), ("sector", "99")])
def test_unknown_filter_value_is_a_validation_error_naming_the_field(portal, field, value):
    with pytest.raises(tk.ValidationError) as error:
        _summary(portal, **{field: value})

    assert list(error.value.error_dict) == [field]
    assert value in error.value.error_dict[field][0]


def test_institution_list_rows_hold_every_figure(portal):
    rows = call_action("ogpcatalog_institution_metrics_list", _sys(portal))

    assert rows["count"] == 4
    by_name = {row["name"]: row for row in rows["results"]}
    assert [r["name"] for r in rows["results"]] == ["mef", "msp", "cuenca", "quito"]
    mef = by_name["mef"]
    assert {k: mef[k] for k in ("datasets", "public", "private", "harvested", "resources",
                                "publishing", "with_frequency", "up_to_date", "overdue",
                                "up_to_date_share", "quality_average", "open_format_share",
                                "machine_readable_share", "obligations_applicable",
                                "obligations_met", "compliance_percent", "rank")} == {
        "datasets": 4, "public": 4, "private": 0, "harvested": 1, "resources": 4,
        "publishing": True, "with_frequency": 3, "up_to_date": 2, "overdue": 1,
        "up_to_date_share": 0.6667, "quality_average": 92.5, "open_format_share": 1.0,
        "machine_readable_share": 0.75, "obligations_applicable": 2, "obligations_met": 2,
        "compliance_percent": 100.0, "rank": 1}
    assert (by_name["msp"]["quality_average"], by_name["msp"]["compliance_percent"],
            by_name["msp"]["rank"]) == (125.0, 66.7, 2)
    assert by_name["quito"]["obligations_overdue"] == 1
    cuenca = by_name["cuenca"]
    assert (cuenca["publishing"], cuenca["public"], cuenca["private"],
            cuenca["quality_average"], cuenca["rank"]) == (False, 0, 1, None, 3)


def test_institution_list_sorts_with_nulls_last_and_pages(portal):
    by_quality = call_action("ogpcatalog_institution_metrics_list", _sys(portal),
                             sort="quality_average desc")
    page = call_action("ogpcatalog_institution_metrics_list", _sys(portal), sort="name asc",
                       limit=2, offset=2)

    assert [r["name"] for r in by_quality["results"]] == ["msp", "mef", "quito", "cuenca"]
    assert page["count"] == 4
    assert [r["name"] for r in page["results"]] == ["msp", "quito"]


@pytest.mark.parametrize("params, field", [({"sort": "title sideways"}, "sort"),
                                           ({"sort": "password"}, "sort"),
                                           ({"limit": 0}, "limit"), ({"limit": "many"}, "limit"),
                                           ({"offset": -1}, "offset")])
def test_bad_paging_is_a_validation_error_naming_the_field(portal, params, field):
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_institution_metrics_list", _sys(portal), **params)

    assert field in error.value.error_dict


def _due(last: datetime.datetime, months: int = 0, days: float = 0) -> datetime.datetime:
    """PostgreSQL's ``last + period * 1.2``: fractions of a month are 30-day months."""
    whole = int(months * 1.2)
    return last + relativedelta(months=whole) + datetime.timedelta(
        days=(months * 1.2 - whole) * 30 + days * 1.2)


def test_institution_show_lists_obligations_overdue_and_low_quality_datasets(portal):
    shown = call_action("ogpcatalog_institution_metrics_show", _sys(portal), id="msp")

    assert shown["institution"]["name"] == "msp"
    statuses = {o["code"]: (o["status"], o["datasets"]) for o in shown["obligations"]}
    assert statuses == {"contratacion": ("met", ["a3"]), "presupuesto": ("missing", []),
                        "salud": ("met", ["a1", "a2"])}
    [overdue] = shown["overdue_datasets"]
    assert overdue["name"] == "a2"
    modified = datetime.datetime.combine(datetime.date.today() - datetime.timedelta(days=60),
                                         datetime.time())
    assert datetime.datetime.fromisoformat(overdue["due"]) == _due(modified, months=1)
    assert overdue["last_modified"].startswith(modified.date().isoformat())
    assert [d["name"] for d in shown["low_quality_datasets"]] == ["a3", "a2", "a1"]
    assert shown["low_quality_datasets"][0]["rating"] == "bad"
    assert shown["quality_distribution"] == {"excellent": 0, "good": 0, "sufficient": 2,
                                             "bad": 1}
    assert shown["harvest"] == []


def test_institution_show_reports_harvest_health(portal):
    shown = call_action("ogpcatalog_institution_metrics_show", _sys(portal), id="mef")

    [source] = shown["harvest"]
    assert source["name"] == "fuente-mef"
    assert source["jobs"] == 2
    assert source["last_run_errors"] == 1
    assert source["datasets"] == 1
    assert datetime.datetime.fromisoformat(source["last_run"]) == portal["harvest"]["bad_run"]
    assert datetime.datetime.fromisoformat(source["last_successful_run"]) == \
        portal["harvest"]["good_run"]


def test_institution_show_of_unknown_institution_is_not_found(portal):
    with pytest.raises(tk.ObjectNotFound):
        call_action("ogpcatalog_institution_metrics_show", _sys(portal), id="no-existe")


def test_coverage_matrix_by_theme(portal):
    matrix = call_action("ogpcatalog_coverage_matrix_show", _sys(portal), by="theme")

    columns = {c["code"]: (c["datasets"], c["publishing_institutions"])
               for c in matrix["columns"]}
    assert columns["ECON"] == (4, 2)  # a3, b1, b2, b3
    assert columns["HEAL"] == (2, 1)
    assert columns["AGRI"] == (0, 0)
    assert matrix["columns"][0]["label"]["es"]
    rows = {r["name"]: (r["total"], r["cells"]) for r in matrix["rows"]}
    assert rows == {"mef": (4, {"ECON": 3, "GOVE": 1}),
                    "msp": (3, {"HEAL": 2, "SOCI": 1, "ECON": 1}),
                    "quito": (3, {"TRAN": 1}), "cuenca": (0, {})}
    assert matrix["count"] == 4


def test_coverage_matrix_by_dataset_type_pages_rows(portal):
    matrix = call_action("ogpcatalog_coverage_matrix_show", _sys(portal), by="dataset_type",
                         sort="name asc", limit=2)

    assert [(c["code"], c["datasets"], c["publishing_institutions"])
            for c in matrix["columns"]] == [("dataset", 6, 3), ("procurement", 2, 2),
                                            ("commitment", 2, 2)]
    assert matrix["count"] == 4
    assert [(r["name"], r["cells"]) for r in matrix["rows"]] == [
        ("cuenca", {}), ("mef", {"dataset": 2, "procurement": 1, "commitment": 1})]


def test_coverage_matrix_needs_a_known_dimension(portal):
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_coverage_matrix_show", _sys(portal), by="sector")

    assert "by" in error.value.error_dict


def test_overdue_list_gives_due_dates_sorted(portal):
    listing = call_action("ogpcatalog_overdue_dataset_list", _sys(portal))

    assert listing["count"] == 3
    assert sorted(r["name"] for r in listing["results"]) == ["a2", "b2", "c1"]
    dues = [r["due"] for r in listing["results"]]
    assert dues == sorted(dues)
    c1 = next(r for r in listing["results"] if r["name"] == "c1")
    assert c1["frequency"] == "WEEKLY"
    assert c1["institution"]["name"] == "quito"
    due = datetime.datetime.fromisoformat(c1["due"])
    last = datetime.datetime.fromisoformat(c1["last_modified"])
    assert due - last == datetime.timedelta(days=7 * 1.2)
    assert c1["days_overdue"] == 11  # 20 days - 8.4 days


def test_overdue_list_filtered_by_institution(portal):
    listing = call_action("ogpcatalog_overdue_dataset_list", _sys(portal), institution="mef")

    assert [r["name"] for r in listing["results"]] == ["b2"]


def test_quality_list_scores_every_public_dataset(portal):
    listing = call_action("ogpcatalog_dataset_quality_list", _sys(portal), sort="score desc",
                          limit=3)

    assert listing["count"] == 10
    assert listing["max_points"] == 405
    assert [(r["name"], r["score"], r["rating"]) for r in listing["results"]] == [
        ("a1", 140.0, "sufficient"), ("b1", 140.0, "sufficient"), ("a2", 125.0, "sufficient")]
    assert listing["results"][1]["dimensions"] == {
        "findability": 60.0, "accessibility": 0.0, "interoperability": 70.0,
        "reusability": 10.0, "contextuality": 0.0}
    assert listing["results"][0]["percent"] == 34.6


def test_quality_list_by_rating(portal):
    listing = call_action("ogpcatalog_dataset_quality_list", _sys(portal), rating="bad",
                          sort="name asc")

    assert listing["count"] == 7
    assert [r["name"] for r in listing["results"]] == ["a3", "b2", "b3", "b4", "c1", "c2", "c3"]


def test_compliance_list_ranks_institutions_with_obligations(portal):
    ranking = call_action("ogpcatalog_compliance_list", _sys(portal))

    assert [(r["rank"], r["name"], r["applicable"], r["met"], r["missing"], r["overdue"],
             r["compliance_percent"]) for r in ranking["results"]] == [
        (1, "mef", 2, 2, 0, 0, 100.0), (2, "msp", 3, 2, 1, 0, 66.7),
        (3, "cuenca", 1, 0, 1, 0, 0.0), (3, "quito", 2, 0, 1, 1, 0.0)]


def test_compliance_list_filtered_by_level(portal):
    ranking = call_action("ogpcatalog_compliance_list", _sys(portal), government_level="local")

    assert [(r["rank"], r["name"]) for r in ranking["results"]] == [(1, "cuenca"), (1, "quito")]
