"""History: daily snapshots, the monthly backfill (idempotent, interruptible), time series,
and their commands."""
from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_command
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.metrics import snapshots
from ckanext.ogpcatalog.metrics.model import snapshot_table
from tests.metrics.metrics_portal import portal  # noqa: F401  (module fixture)

pytestmark = pytest.mark.usefixtures("dated_portal", "empty_history")

TODAY = datetime.datetime.now(datetime.timezone.utc).date()  # the dated portal's "now"


def today() -> datetime.date:
    """Today (UTC) as the code under test sees it: read at each use, not at import, so that a
    run crossing midnight compares snapshots with the day they were taken on."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def month_end(months_ago: int) -> datetime.date:
    first = TODAY.replace(day=1)
    for _ in range(months_ago - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first - datetime.timedelta(days=1)


def in_month(months_ago: int) -> datetime.datetime:
    end = month_end(months_ago)
    return datetime.datetime(end.year, end.month, 5, 12)


@pytest.fixture(scope="module")
def dated_portal(portal):
    """a1 and a2 created three months ago, b1 two months ago, the rest this month."""
    for key, months in (("a1", 3), ("a2", 3), ("b1", 2)):
        package_id = portal["datasets"][key]["id"]
        model.Session.execute(sa.text(
            "UPDATE package SET metadata_created = :at WHERE id = :id"),
            {"at": in_month(months), "id": package_id})
        model.Session.execute(sa.text(
            "UPDATE resource SET created = :at WHERE package_id = :id"),
            {"at": in_month(months), "id": package_id})
    model.Session.commit()
    return portal


@pytest.fixture
def empty_history():
    model.Session.execute(snapshot_table.delete())
    model.Session.commit()
    yield
    model.Session.rollback()


def _sys(portal) -> dict:
    return {"user": portal["sysadmin"]["name"]}


def _rows(**where) -> list[dict]:
    query = sa.select(snapshot_table).order_by(snapshot_table.c.day, snapshot_table.c.scope,
                                               snapshot_table.c.scope_key,
                                               snapshot_table.c.indicator)
    for key, value in where.items():
        query = query.where(getattr(snapshot_table.c, key) == value)
    return [dict(r._mapping) for r in model.Session.execute(query)]


def _values(day: datetime.date, scope: str = "portal", key: str = "") -> dict[str, float]:
    return {r["indicator"]: r["value"] for r in _rows(day=day, scope=scope, scope_key=key)}


def test_snapshot_stores_every_indicator_for_the_portal_and_each_institution(portal):
    before = today()
    result = call_action("ogpcatalog_metrics_snapshot_create", _sys(portal))
    day = datetime.date.fromisoformat(result["date"])

    assert before <= day <= today()
    assert result == {"date": day.isoformat(), "rows": 12 + 4 * 11}
    portal_values = _values(day)
    assert portal_values == {"datasets": 13, "datasets_public": 10, "datasets_private": 3,
                             "datasets_harvested": 1, "resources": 8, "open_format_share": 0.875,
                             "machine_readable_share": 0.75, "publishing_institutions": 3,
                             "up_to_date_share": 0.5, "overdue_datasets": 3,
                             "quality_average": 88.5, "compliance_percent": 50.0}
    mef = _values(day, "institution", portal["orgs"]["b"]["id"])
    assert (mef["datasets"], mef["datasets_harvested"], mef["compliance_percent"]) == (4, 1, 100)
    cuenca = _values(day, "institution", portal["orgs"]["d"]["id"])
    assert cuenca["quality_average"] is None


def test_snapshot_of_the_same_day_replaces_it(portal):
    call_action("ogpcatalog_metrics_snapshot_create", _sys(portal))
    first = _rows()
    call_action("ogpcatalog_metrics_snapshot_create", _sys(portal))

    again = _rows()
    assert len(again) == len(first) == 56
    assert [(r["indicator"], r["scope_key"], r["value"]) for r in again] == \
        [(r["indicator"], r["scope_key"], r["value"]) for r in first]


def test_snapshot_of_a_bad_date_names_the_field(portal):
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_metrics_snapshot_create", _sys(portal), date="ayer")

    assert list(error.value.error_dict) == ["date"]


def test_backfill_rebuilds_month_ends_from_creation_dates(portal):
    counts = snapshots.backfill()

    assert snapshots.month_ends() == [month_end(3), month_end(2), month_end(1)]
    assert counts["months"] == 3
    assert _values(month_end(3)) == {"datasets": 2, "datasets_public": 2, "resources": 2,
                                     "publishing_institutions": 1}
    assert _values(month_end(2)) == {"datasets": 3, "datasets_public": 3, "resources": 4,
                                     "publishing_institutions": 2}
    assert _values(month_end(1)) == _values(month_end(2))
    assert _values(month_end(3), "institution", portal["orgs"]["a"]["id"]) == {
        "datasets": 2, "datasets_public": 2, "resources": 2}
    assert {r["source"] for r in _rows()} == {"backfill"}


def test_backfill_twice_writes_the_same_points(portal):
    snapshots.backfill()
    first = [(r["day"], r["indicator"], r["scope_key"], r["value"]) for r in _rows()]

    snapshots.backfill()

    assert [(r["day"], r["indicator"], r["scope_key"], r["value"]) for r in _rows()] == first


def test_backfill_keeps_a_day_that_has_a_real_snapshot(portal):
    call_action("ogpcatalog_metrics_snapshot_create", _sys(portal),
                date=month_end(2).isoformat())

    counts = snapshots.backfill()

    assert counts == {"months": 2, "skipped": 1, "rows": counts["rows"]}
    assert {r["source"] for r in _rows(day=month_end(2))} == {"snapshot"}
    assert _values(month_end(2))["datasets"] == 13  # measured now, not rebuilt


def _interrupt_second_insert(monkeypatch):
    """Make the second month's insert fail as if Ctrl-C were pressed after its delete ran."""
    real_execute = model.Session.execute
    inserts = {"n": 0}

    def execute(statement, *args, **kwargs):
        if getattr(statement, "is_insert", False) and \
                getattr(statement, "table", None) is snapshot_table:
            inserts["n"] += 1
            if inserts["n"] == 2:
                raise KeyboardInterrupt
        return real_execute(statement, *args, **kwargs)

    monkeypatch.setattr(model.Session, "execute", execute)


def test_interrupted_backfill_leaves_whole_months_only(portal, monkeypatch):
    _interrupt_second_insert(monkeypatch)

    with pytest.raises(KeyboardInterrupt):
        snapshots.backfill()

    monkeypatch.undo()
    assert sorted({r["day"] for r in _rows()}) == [month_end(3)]
    assert len(_rows(day=month_end(3))) == 4 + 3


def test_interrupted_rerun_keeps_the_previous_points_of_the_interrupted_month(portal,
                                                                             monkeypatch):
    snapshots.backfill()
    before = _rows()
    _interrupt_second_insert(monkeypatch)

    with pytest.raises(KeyboardInterrupt):
        snapshots.backfill()

    monkeypatch.undo()
    assert [(r["day"], r["indicator"], r["scope_key"], r["value"]) for r in _rows()] == \
        [(r["day"], r["indicator"], r["scope_key"], r["value"]) for r in before]


def test_timeseries_by_month_and_by_day(portal):
    snapshots.backfill()
    snapshot_day = call_action("ogpcatalog_metrics_snapshot_create", _sys(portal))["date"]
    call_action("ogpcatalog_metrics_snapshot_create", _sys(portal),
                date=(month_end(1) - datetime.timedelta(days=3)).isoformat())

    monthly = call_action("ogpcatalog_metrics_timeseries_show", _sys(portal),
                          indicator="datasets_public")
    daily = call_action("ogpcatalog_metrics_timeseries_show", _sys(portal),
                        indicator="datasets_public", interval="day",
                        start=month_end(2).isoformat(), end=month_end(1).isoformat())

    assert monthly["interval"] == "month" and monthly["institution"] is None
    assert [(p["date"], p["value"], p["source"]) for p in monthly["points"]] == [
        (month_end(3).isoformat(), 2.0, "backfill"), (month_end(2).isoformat(), 3.0, "backfill"),
        (month_end(1).isoformat(), 3.0, "backfill"), (snapshot_day, 10.0, "snapshot")]
    assert [p["date"] for p in daily["points"]] == [
        month_end(2).isoformat(), (month_end(1) - datetime.timedelta(days=3)).isoformat(),
        month_end(1).isoformat()]


def test_timeseries_of_an_institution(portal):
    call_action("ogpcatalog_metrics_snapshot_create", _sys(portal))

    series = call_action("ogpcatalog_metrics_timeseries_show", _sys(portal),
                         indicator="compliance_percent", institution="msp")

    assert series["institution"] == "msp"
    assert [p["value"] for p in series["points"]] == [66.7]


@pytest.mark.parametrize("params, field", [
    ({"indicator": "nope"}, "indicator"),
    ({"indicator": "publishing_institutions", "institution": "msp"}, "indicator"),
    ({"indicator": "datasets", "interval": "year"}, "interval"),
    ({"indicator": "datasets", "start": "2026-13-01"}, "start"),
])
def test_timeseries_bad_parameters_name_the_field(portal, params, field):
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_metrics_timeseries_show", _sys(portal), **params)

    assert field in error.value.error_dict


def test_snapshot_and_backfill_commands(portal, cli):
    snapshot = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "snapshot"])
    backfill = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "backfill"])
    again = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "backfill"])

    assert snapshot.exit_code == 0, snapshot.output
    assert "56" in snapshot.output
    assert backfill.exit_code == 0, backfill.output
    assert "3" in backfill.output
    assert again.exit_code == 0
    assert len(_rows(source="backfill")) == len(_rows()) - 56


def test_scheduler_takes_the_days_snapshot_once(portal, cli):
    before = today()
    first = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "scheduler", "--once"])
    taken = _rows(source="snapshot")
    day = taken[0]["day"] if taken else None
    second = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "scheduler", "--once"])

    assert first.exit_code == 0, first.output
    assert day in (before, today())
    assert day.isoformat() in first.output
    assert len(taken) == 56
    assert second.exit_code == 0
    assert day.isoformat() not in second.output
    assert [r["created"] for r in _rows(source="snapshot")] == [r["created"] for r in taken]
