"""The dataset facts table (``ogpcatalog_dataset_facts``): kept right by the incremental
refresh through dataset, resource, tag, institution and link-check changes; the full rebuild
gives the same rows; the indicators give the same answers as when every fact is computed from
CKAN's tables in the statement."""
from __future__ import annotations

import datetime
import functools

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.tests.factories as factories
from ckan.cli.cli import ckan as ckan_command
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.metrics import facts, indicators, linkcheck, rollups
from ckanext.ogpcatalog.metrics import sql as q
from ckanext.ogpcatalog.metrics.filters import Filters, Paging
from tests.conftest import module_portal
from tests.metrics.metrics_portal import build

VOLATILE = ("refreshed",)  # when a row was written, not what it says


def fact_rows() -> dict[str, dict]:
    rows = model.Session.execute(sa.text("SELECT * FROM ogpcatalog_dataset_facts")).mappings()
    result = {r["package_id"]: {k: v for k, v in r.items() if k not in VOLATILE} for r in rows}
    model.Session.commit()
    return result


def live_rows() -> dict[str, dict]:
    """The facts computed from CKAN's tables now (what the table must hold)."""
    params = q.base_params()
    rows = model.Session.execute(sa.text(q.facts_select(q.ALL_DATASETS)), params).mappings()
    result = {r["package_id"]: {k: v for k, v in r.items() if k not in VOLATILE} for r in rows}
    model.Session.commit()
    return result


def fulfilment() -> set[tuple[str, str]]:
    """The (institution, obligation) pairs the fulfilment table holds."""
    rows = model.Session.execute(sa.text(
        "SELECT owner_org, code FROM ogpcatalog_obligation_fulfilment")).all()
    model.Session.commit()
    return {(r.owner_org, r.code) for r in rows}


def fact(package_id: str) -> dict | None:
    return fact_rows().get(package_id)


def summary(user: dict, **filters) -> dict:
    return call_action("ogpcatalog_metrics_summary_show", {"user": user["name"]}, **filters)


def quality(user: dict, name: str) -> dict:
    rows = call_action("ogpcatalog_dataset_quality_list", {"user": user["name"]},
                       limit=1000)["results"]
    return next(r for r in rows if r["name"] == name)


@pytest.fixture
def site(with_plugins, clean_db):
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"], "ignore_auth": True}
    org = call_action("organization_create", context=dict(context), name="inec",
                      title_translated={"es": "INEC"}, institution_type="agency", sector="01",
                      government_level="national")

    def create(name: str, **fields):
        return call_action("package_create", context=dict(context), name=name,
                           owner_org=org["id"], title_translated={"es": f"Conjunto {name}"},
                           **fields)

    return {"sysadmin": sysadmin, "context": context, "org": org, "create": create}


def test_facts_of_a_new_dataset_are_computed_before_the_indicators_are_read(site):
    dataset = site["create"]("censo", theme=["SOCI"], frequency="ANNUAL",
                             tags=[{"name": "censo"}],
                             resources=[{"url": "https://datos.example.gob/c.csv",
                                         "format": "CSV"}])

    assert summary(site["sysadmin"])["datasets"]["total"] == 1
    row = fact(dataset["id"])
    assert (row["type"], row["themes"], row["tags"], row["resources"], row["open_fmt"],
            row["formats"], row["frequency"], row["has_period"]) == (
        "dataset", ["SOCI"], ["censo"], 1, 1, ["CSV"], "ANNUAL", True)
    assert row["obligations"] == []
    assert fact_rows() == live_rows()


def test_facts_follow_dataset_updates(site):
    dataset = site["create"]("censo", theme=["SOCI"], resources=[
        {"url": "https://datos.example.gob/c.csv", "format": "CSV"}])
    summary(site["sysadmin"])

    call_action("package_patch", {"user": site["sysadmin"]["name"]}, id=dataset["id"],
                theme=["ECON", "GOVE"], private=True, tags=[{"name": "presupuesto"}])

    assert summary(site["sysadmin"])["datasets"]["private"] == 1
    row = fact(dataset["id"])
    assert (row["themes"], row["private"], row["tags"]) == (["ECON", "GOVE"], True,
                                                           ["presupuesto"])
    assert fact_rows() == live_rows()


def test_facts_follow_resource_create_update_and_delete(site):
    dataset = site["create"]("censo")
    user = {"user": site["sysadmin"]["name"]}
    summary(site["sysadmin"])
    assert fact(dataset["id"])["resources"] == 0

    resource = call_action("resource_create", user, package_id=dataset["id"],
                           url="https://datos.example.gob/c.csv", format="CSV")
    assert summary(site["sysadmin"])["resources"]["total"] == 1
    assert fact(dataset["id"])["formats"] == ["CSV"]

    call_action("resource_patch", user, id=resource["id"], format="PDF")
    assert summary(site["sysadmin"])["resources"]["machine_readable"] == 0
    assert fact(dataset["id"])["formats"] == ["PDF"]

    call_action("resource_delete", user, id=resource["id"])
    assert summary(site["sysadmin"])["resources"]["total"] == 0
    assert fact(dataset["id"])["resources"] == 0
    assert fact_rows() == live_rows()


def test_a_sysadmin_write_that_keeps_metadata_modified_is_caught(site):
    dataset = site["create"]("censo", theme=["SOCI"])
    summary(site["sysadmin"])
    shown = call_action("package_show", {"user": site["sysadmin"]["name"]}, id=dataset["id"])

    # CKAN keeps a metadata_modified that a sysadmin (or a harvester) sends back
    call_action("package_update", {"user": site["sysadmin"]["name"]},
                **dict(shown, theme=["ECON"]))
    stamp = model.Session.execute(sa.text("SELECT metadata_modified FROM package WHERE id = :id"),
                                  {"id": dataset["id"]}).scalar()
    model.Session.commit()

    assert stamp == fact(dataset["id"])["metadata_modified"]
    assert summary(site["sysadmin"])["publishing_by_theme"] == {"ECON": 1}
    assert fact(dataset["id"])["themes"] == ["ECON"]
    assert model.Session.execute(sa.text(
        "SELECT count(*) FROM ogpcatalog_dataset_facts_stale")).scalar() == 0
    model.Session.commit()


def test_rows_of_deleted_and_purged_datasets_are_removed(site):
    kept = site["create"]("queda")
    deleted = site["create"]("borrado")
    purged = site["create"]("purgado")
    summary(site["sysadmin"])
    assert set(fact_rows()) == {kept["id"], deleted["id"], purged["id"]}

    call_action("package_delete", {"user": site["sysadmin"]["name"]}, id=deleted["id"])
    call_action("dataset_purge", {"user": site["sysadmin"]["name"]}, id=purged["id"])

    assert summary(site["sysadmin"])["datasets"]["total"] == 1
    assert set(fact_rows()) == {kept["id"]}


# -- consistency: writes through CKAN at once, writes that bypass it within the interval -----

CHECK_SECONDS = "ckanext.ogpcatalog.metrics.facts_check_seconds"


class Clock:
    """The refresh's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(facts.time, "monotonic", clock)
    monkeypatch.setattr(facts, "_last_full_check", {})
    return clock


def _move_stamp_back(dataset_id: str) -> None:
    """A write that bypasses CKAN: no hook runs, only metadata_modified tells."""
    model.Session.execute(sa.text("UPDATE package SET metadata_modified = :at WHERE id = :id"),
                          {"at": datetime.datetime(2020, 1, 1), "id": dataset_id})
    model.Session.commit()


@pytest.mark.ckan_config(CHECK_SECONDS, 3600)
def test_writes_through_ckan_are_visible_at_once_between_full_checks(site, clock):
    user = {"user": site["sysadmin"]["name"]}
    kept = site["create"]("queda", theme=["SOCI"])
    assert summary(site["sysadmin"])["datasets"]["total"] == 1  # the full check: clock 1000
    other_org = call_action("organization_create", context=dict(site["context"]), name="otra",
                            title_translated={"es": "Otra"}, institution_type="ministry")

    site["create"]("nuevo")
    assert summary(site["sysadmin"])["datasets"]["total"] == 2
    call_action("package_patch", user, id=kept["id"], theme=["ECON"])
    assert summary(site["sysadmin"])["publishing_by_theme"] == {"ECON": 1}
    resource = call_action("resource_create", user, package_id=kept["id"],
                           url="https://datos.example.gob/c.csv", format="CSV")
    assert summary(site["sysadmin"])["resources"]["total"] == 1
    call_action("resource_delete", user, id=resource["id"])
    assert summary(site["sysadmin"])["resources"]["total"] == 0
    call_action("package_owner_org_update", user, id=kept["id"], organization_id=other_org["id"])
    assert summary(site["sysadmin"], institution_type="ministry")["datasets"]["total"] == 1
    call_action("package_delete", user, id="nuevo")
    assert summary(site["sysadmin"])["datasets"]["total"] == 1
    call_action("dataset_purge", user, id=kept["id"])
    assert summary(site["sysadmin"])["datasets"]["total"] == 0

    assert fact_rows() == live_rows() == {}
    assert facts._last_full_check[str(model.meta.engine.url)][0] == 1000.0  # no full check since


@pytest.mark.ckan_config(CHECK_SECONDS, 60)
def test_writes_that_bypass_ckan_are_visible_after_the_check_interval(site, clock):
    dataset = site["create"]("censo", frequency="MONTHLY")
    assert summary(site["sysadmin"])["freshness"]["overdue"] == 0

    _move_stamp_back(dataset["id"])
    clock.now += 59
    assert summary(site["sysadmin"])["freshness"]["overdue"] == 0  # not compared yet

    clock.now += 1
    assert summary(site["sysadmin"])["freshness"]["overdue"] == 1
    assert fact(dataset["id"])["last_change"] == datetime.datetime(2020, 1, 1)


@pytest.mark.ckan_config(CHECK_SECONDS, 0)
def test_with_a_zero_interval_writes_that_bypass_ckan_are_visible_at_once(site, clock):
    dataset = site["create"]("censo", frequency="MONTHLY")
    assert summary(site["sysadmin"])["freshness"]["overdue"] == 0

    _move_stamp_back(dataset["id"])

    assert summary(site["sysadmin"])["freshness"]["overdue"] == 1


@pytest.mark.ckan_config(CHECK_SECONDS, 3600)
def test_a_change_of_rules_compares_every_row_at_once(site, clock, monkeypatch):
    dataset = site["create"]("censo", resources=[{"url": "https://datos.example.gob/c.pdf",
                                                  "format": "PDF"}])
    assert summary(site["sysadmin"])["resources"]["open_format"] == 1
    closed = tuple({**f, "open": False} if f["code"] == "PDF" else f for f in q.formats())
    monkeypatch.setattr(q, "formats", lambda: closed)

    assert summary(site["sysadmin"])["resources"]["open_format"] == 0
    assert fact(dataset["id"])["open_fmt"] == 0


def test_institution_changes_count_without_recomputing_facts(site):
    dataset = site["create"]("censo")
    summary(site["sysadmin"])
    before = fact(dataset["id"])
    assert summary(site["sysadmin"], institution_type="ministry")["datasets"]["total"] == 0

    call_action("organization_patch", {"user": site["sysadmin"]["name"]}, id=site["org"]["id"],
                institution_type="ministry")

    assert summary(site["sysadmin"], institution_type="ministry")["datasets"]["total"] == 1
    assert fact(dataset["id"]) == before


def _link_result(resource_id: str, ok: bool) -> dict:
    return {"resource_id": resource_id, "field": "url", "url": "https://datos.example.gob/c.csv",
            "ok": ok, "status_code": 200 if ok else 404, "error": None, "checked_at": q.now()}


def _marked() -> set[str]:
    return {row[0] for row in model.Session.execute(
        sa.text("SELECT package_id FROM ogpcatalog_dataset_facts_stale"))}


def test_link_check_results_reach_the_facts_when_the_checker_stores_them(site):
    dataset = site["create"]("censo", resources=[{"url": "https://datos.example.gob/c.csv",
                                                  "format": "CSV"}])
    resource_id = dataset["resources"][0]["id"]
    assert quality(site["sysadmin"], "censo")["dimensions"]["accessibility"] == 0

    linkcheck._store([_link_result(resource_id, True)])  # what the job does with a batch

    assert _marked() == {dataset["id"]}
    assert quality(site["sysadmin"], "censo")["dimensions"]["accessibility"] == 50
    assert fact(dataset["id"])["accessibility"] == 50
    assert fact(dataset["id"])["score"] == sum(
        fact(dataset["id"])[d] for d in q.DIMENSIONS)
    assert _marked() == set()

    linkcheck._store([_link_result(resource_id, True)])  # the same result again: nothing to redo
    assert _marked() == set()

    linkcheck._store([_link_result(resource_id, False)])
    assert quality(site["sysadmin"], "censo")["dimensions"]["accessibility"] == 0
    assert fact(dataset["id"]) == live_rows()[dataset["id"]]


def _rollups() -> dict[str, list]:
    tables = ("ogpcatalog_institution_rollup", "ogpcatalog_institution_counts",
              "ogpcatalog_obligation_fulfilment")
    result = {t: sorted(tuple(r) for r in model.Session.execute(sa.text(f"SELECT * FROM {t}")))
              for t in tables}
    model.Session.commit()
    return result


def test_rollups_follow_the_changed_institutions_only_and_equal_a_full_rewrite(site):
    other = call_action("organization_create", context=dict(site["context"]), name="mef",
                        title_translated={"es": "MEF"}, institution_type="ministry")
    site["create"]("censo", theme=["SOCI"], tags=[{"name": "obligation-presupuesto"}],
                   resources=[{"url": "https://datos.example.gob/c.csv", "format": "CSV"}])
    moved = site["create"]("movido", theme=["ECON"], frequency="MONTHLY")
    gone = site["create"]("borrado")
    summary(site["sysadmin"])

    def full_rewrite() -> dict[str, list]:
        with model.meta.engine.begin() as connection:
            rollups.rewrite(connection)  # every institution, from the facts
        return _rollups()

    user = {"user": site["sysadmin"]["name"]}
    # one change per read (the marked path): the institutions before and after the change
    call_action("package_owner_org_update", dict(user), id=moved["id"], organization_id=other["id"])
    summary(site["sysadmin"])
    incremental = _rollups()
    assert incremental == full_rewrite()
    for change in (lambda: call_action("package_patch", dict(user), id=moved["id"],
                                       theme=["ECON", "GOVE"]),
                   lambda: call_action("package_patch", dict(user), id="censo", private=True),
                   lambda: call_action("package_delete", dict(user), id=gone["id"])):
        change()
        summary(site["sysadmin"])
        incremental = _rollups()
        assert incremental == full_rewrite()
    rows = {(r[0], r[1], r[2]): r for r in incremental["ogpcatalog_institution_rollup"]}
    assert (other["id"], "dataset", False) in {k[:3] for k in rows}
    assert summary(site["sysadmin"])["datasets"]["total"] == 2


def test_freshness_is_judged_against_now_at_read_time(site):
    site["create"]("mensual", frequency="MONTHLY")
    params_now = datetime.datetime.utcnow()

    now = indicators.summary(Filters(), at=params_now)["freshness"]
    later = indicators.summary(Filters(), at=params_now + datetime.timedelta(days=40))[
        "freshness"]

    assert (now["up_to_date"], now["overdue"]) == (1, 0)
    assert (later["up_to_date"], later["overdue"]) == (0, 1)


@pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.facts_check_seconds", 0)
def test_a_stamp_moved_back_in_time_is_caught(site):
    dataset = site["create"]("censo", frequency="MONTHLY")
    summary(site["sysadmin"])

    model.Session.execute(sa.text("UPDATE package SET metadata_modified = :at WHERE id = :id"),
                          {"at": datetime.datetime(2020, 1, 1), "id": dataset["id"]})
    model.Session.commit()

    assert summary(site["sysadmin"])["freshness"]["overdue"] == 1
    assert fact(dataset["id"])["last_change"] == datetime.datetime(2020, 1, 1)


@pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.facts_check_seconds", 0)
def test_a_dataset_written_while_the_refresh_runs_is_recomputed_on_the_next_read(site):
    dataset = site["create"]("censo", theme=["SOCI"])
    summary(site["sysadmin"])
    writer = model.meta.engine.connect()
    try:
        # a concurrent write, not yet committed when the refresh reads the dataset
        writer.execute(sa.text(
            "UPDATE package SET extras = extras || '{\"theme\": \"[\\\"ECON\\\"]\"}'::jsonb, "
            "metadata_modified = now() AT TIME ZONE 'UTC' WHERE id = :id"), {"id": dataset["id"]})
        model.Session.execute(sa.text(
            "UPDATE ogpcatalog_dataset_facts SET metadata_modified = NULL WHERE package_id = :id"),
            {"id": dataset["id"]})
        model.Session.commit()
        facts.refresh()  # sees the committed version only
        assert fact(dataset["id"])["themes"] == ["SOCI"]
        writer.commit()
    finally:
        writer.close()

    assert summary(site["sysadmin"])["publishing_by_theme"] == {"ECON": 1}
    assert fact(dataset["id"])["themes"] == ["ECON"]


def test_rules_change_recomputes_every_row(site, monkeypatch):
    dataset = site["create"]("censo", resources=[{"url": "https://datos.example.gob/c.pdf",
                                                  "format": "PDF"}])
    summary(site["sysadmin"])
    assert fact(dataset["id"])["open_fmt"] == 1
    closed = tuple({**f, "open": False} if f["code"] == "PDF" else f for f in q.formats())
    monkeypatch.setattr(q, "formats", lambda: closed)

    assert summary(site["sysadmin"])["resources"]["open_format"] == 0
    assert fact(dataset["id"])["open_fmt"] == 0


def test_obligation_changes_recompute_the_matches(site):
    dataset = site["create"]("presupuesto-2025", tags=[{"name": "presupuesto"}])
    other = site["create"]("marcado", tags=[{"name": "obligation-presupuesto"}])
    site["create"]("otro")
    summary(site["sysadmin"])
    assert fact(dataset["id"])["obligations"] == []

    call_action("ogpcatalog_obligation_create", dict(site["context"]), code="presupuesto",
                title={"es": "Presupuesto"}, frequency="ANNUAL",
                applies_to={"institution_type": ["agency"]}, match={"tags": ["presupuesto"]})

    obligations = summary(site["sysadmin"])["obligations"]
    assert (obligations["applicable"], obligations["met"], obligations["missing"]) == (1, 1, 0)
    assert fact(dataset["id"])["obligations"] == ["presupuesto"]
    assert fact(other["id"])["obligations"] == ["presupuesto"]
    assert fulfilment() == {(site["org"]["id"], "presupuesto")}

    call_action("ogpcatalog_obligation_update", dict(site["context"]), code="presupuesto",
                match={"tags": ["presupuestos"]})
    summary(site["sysadmin"])
    assert fact(dataset["id"])["obligations"] == []
    assert fact(other["id"])["obligations"] == ["presupuesto"]
    assert fulfilment() == {(site["org"]["id"], "presupuesto")}  # still by "marcado"

    call_action("package_patch", {"user": site["sysadmin"]["name"]}, id="marcado", private=True)
    summary(site["sysadmin"])
    assert fulfilment() == set()  # private datasets fulfil nothing


def test_harvest_sources_have_no_facts(site):
    site["create"]("censo")
    call_action("harvest_source_create", dict(site["context"]), name="fuente",
                title="Fuente", url="https://datos.example.gob/catalog.ttl",
                source_type="dcat_rdf", owner_org=site["org"]["id"])

    assert summary(site["sysadmin"])["datasets"]["total"] == 1
    assert [r["name"] for r in fact_rows().values()] == ["censo"]


def test_rebuild_gives_the_rows_the_incremental_refresh_gave(site):
    for n in range(5):
        site["create"](f"conjunto-{n}", theme=["SOCI"], tags=[{"name": f"t{n}"}],
                       resources=[{"url": f"https://datos.example.gob/{n}.csv",
                                   "format": "CSV"}] * (n % 3))
    call_action("package_delete", {"user": site["sysadmin"]["name"]}, id="conjunto-0")
    summary(site["sysadmin"])
    incremental = fact_rows()

    counts = facts.rebuild(batch_size=2)

    assert counts == {"updated": 4, "removed": 0}
    assert fact_rows() == incremental == live_rows()
    assert fulfilment() == set()  # no obligations


def test_an_interrupted_rebuild_keeps_whole_batches(site):
    created = [site["create"](f"conjunto-{n}") for n in range(5)]
    ids = sorted(d["id"] for d in created)
    done: list[int] = []

    def progress(count: int) -> None:
        done.append(count)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        facts.rebuild(batch_size=2, progress=progress, ids=ids)

    assert sorted(fact_rows()) == ids[:4]
    assert fact_rows() == {k: v for k, v in live_rows().items() if k in ids[:4]}


def test_facts_rebuild_command_shows_counts(site, cli):
    site["create"]("censo")
    site["create"]("otro")

    result = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "facts-rebuild",
                                       "--batch-size", "1"])

    assert result.exit_code == 0, result.output
    # Spanish by default (English when the catalogue lacks the message)
    assert "2 conjuntos calculados" in result.output or "2 datasets computed" in result.output
    assert len(fact_rows()) == 2


# -- the indicators read from the table answer as when computed from CKAN's tables ---------

@pytest.fixture(scope="module")
def portal_db(reset_db, migrate_db_for):
    yield from module_portal(reset_db, migrate_db_for, build)


def _answers(at: datetime.datetime, institution_id: str) -> dict:
    paging = Paging(1000, 0, "name", False)
    return {
        "summary": indicators.summary(Filters(), at),
        "summary_filtered": indicators.summary(Filters(dataset_type=("dataset",),
                                                       theme=("HEAL",)), at),
        "institutions": indicators.institution_list(Filters(), paging, at),
        "detail": indicators.institution_detail(institution_id, at),
        "by_type": indicators.coverage_matrix("dataset_type", Filters(), paging, at),
        "by_theme": indicators.coverage_matrix("theme", Filters(), paging, at),
        "overdue": indicators.overdue_list(Filters(), paging, at),
        "quality": indicators.quality_list(Filters(), paging, None, at),
        "compliance": indicators.compliance_list(Filters(), Paging(1000, 0, "rank", False), at),
        # the rollups' answers with the filters they take (dataset type, institution kind)
        "summary_by_type": indicators.summary(Filters(dataset_type=("procurement",)), at),
        "institutions_by_type": indicators.institution_list(
            Filters(dataset_type=("dataset", "commitment")), paging, at),
        "by_theme_of_a_type": indicators.coverage_matrix(
            "theme", Filters(dataset_type=("dataset",)), paging, at),
        "by_type_of_a_kind": indicators.coverage_matrix(
            "dataset_type", Filters(institution_type=("ministry",)), paging, at),
        "summary_of_a_kind": indicators.summary(Filters(institution_type=("ministry",)), at),
    }


def test_every_indicator_answers_the_same_from_the_facts_table(portal_db, monkeypatch):
    at = datetime.datetime.utcnow().replace(microsecond=0)
    institution_id = portal_db["orgs"]["b"]["id"]
    from_table = _answers(at, institution_id)
    model.Session.execute(sa.text("DELETE FROM ogpcatalog_dataset_facts"))
    model.Session.commit()
    monkeypatch.setattr(q, "ctes", functools.partial(q.ctes, live=True))
    monkeypatch.setattr(rollups, "usable", lambda filters: False)  # every answer from ctes
    monkeypatch.setattr(facts, "refresh", lambda params=None: {"updated": 0, "removed": 0})

    from_ckan_tables = _answers(at, institution_id)

    assert from_table == from_ckan_tables
    assert from_table["summary"]["datasets"]["total"] == 13
