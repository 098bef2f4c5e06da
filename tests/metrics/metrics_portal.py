"""A small constructed portal for the metrics backend's tests, with figures computed by hand.

Four institutions of two types; 13 datasets of the three types (3 private, 1 harvested);
freshness set through `metadata_modified` or the `modified` field; four obligations.

    inst  type          sector level  datasets (public unless marked)
    A msp      ministry  07  national a1 dataset MONTHLY 10d  HEAL        tags salud       CSV
                                      a2 dataset MONTHLY modified 60d HEAL,SOCI tags salud XLSX
                                      a3 procurement (no frequency) ECON                  JSON
                                      a4 dataset MONTHLY PRIVATE HEAL                      CSV
    B mef      ministry  01  national b1 dataset ANNUAL 100d ECON tags presupuesto   CSV, PDF
                                      b2 dataset QUARTERLY 120d ECON,GOVE              ODS
                                      b3 procurement MONTHLY 5d HARVESTED ECON         JSON
                                      b4 commitment, milestone with evidence URL
    C quito    municipality 01 local  c1 dataset WEEKLY 20d TRAN tags obligation-transporte PDF
                                      c2 dataset IRREG (no resources)
                                      c3 commitment, milestone without evidence
                                      c4 dataset DAILY PRIVATE
    D cuenca   municipality 06 local  d1 dataset PRIVATE

Obligations: `presupuesto` (ministries; tag presupuesto; ANNUAL), `contratacion` (ministries
and municipalities; type procurement; MONTHLY), `transporte` (named: quito; explicit tag only;
WEEKLY), `salud` (sector 07; theme HEAL; MONTHLY).
"""
from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from tests.conftest import module_portal

PLAN = "plan-2024-2026"


def days_ago(days: int) -> datetime.datetime:
    return datetime.datetime.utcnow() - datetime.timedelta(days=days)


def _resource(name: str, fmt: str, **extra) -> dict:
    return {"url": f"https://datos.example.gob/{name}.{fmt.lower()}", "format": fmt,
            "name": f"{name} {fmt}", **extra}


def build() -> dict:
    sysadmin = factories.Sysadmin(name="sysadmin-indicadores")
    users = {role: factories.User(name=name) for role, name in (
        ("member", "miembro-a"), ("editor", "editor-a"), ("admin", "admin-a"),
        ("other_admin", "admin-c"))}
    context = {"user": sysadmin["name"], "ignore_auth": True}

    def org(name, kind, sector, level, members=()):
        return call_action("organization_create", context=dict(context), name=name,
                           title_translated={"es": f"Institución {name}",
                                             "en": f"Institution {name}"},
                           institution_type=kind, sector=sector, government_level=level,
                           users=list(members))

    orgs = {
        "a": org("msp", "ministry", "07", "national", [
            {"name": users["member"]["name"], "capacity": "member"},
            {"name": users["editor"]["name"], "capacity": "editor"},
            {"name": users["admin"]["name"], "capacity": "admin"}]),
        "b": org("mef", "ministry", "01", "national"),
        "c": org("quito", "municipality", "01", "local", [
            {"name": users["other_admin"]["name"], "capacity": "admin"}]),
        "d": org("cuenca", "municipality", "06", "local"),
    }
    factories.Group(type="action-plan", name=PLAN,
                    title_translated={"es": "Plan de acción 2024-2026",
                                      "en": "Action plan 2024-2026"},
                    country_or_locality="Ecuador", plan_scope="national")

    def dataset(key, name, **fields):
        data = {"name": name, "owner_org": orgs[key]["id"],
                "title_translated": {"es": f"Conjunto {name}", "en": f"Dataset {name}"}}
        data.update(fields)
        return call_action("package_create", context=dict(context), **data)

    def procurement(key, name, **fields):
        return dataset(key, name, type="procurement", procurement_methods=["open"],
                       main_categories=["goods"], period_start="2025-01-01",
                       period_end="2025-12-31", emergency="false", **fields)

    def commitment(key, name, ogp_id, milestone):
        return dataset(key, name, type="commitment", ogp_id=ogp_id, action_plan=PLAN,
                       milestones=[{"description": {"es": "Hito"}, "start_date": "2024-01-01",
                                    "end_date": "2024-12-31", "status": "completed",
                                    **milestone}])

    ds = {
        "a1": dataset("a", "a1", theme=["HEAL"], frequency="MONTHLY", tags=[{"name": "salud"}],
                      resources=[_resource("a1", "CSV")]),
        "a2": dataset("a", "a2", theme=["HEAL", "SOCI"], frequency="MONTHLY",
                      modified=(datetime.date.today() - datetime.timedelta(days=60)).isoformat(),
                      tags=[{"name": "salud"}], resources=[_resource("a2", "XLSX")]),
        "a3": procurement("a", "a3", theme=["ECON"], resources=[_resource("a3", "JSON")]),
        "a4": dataset("a", "a4", private=True, theme=["HEAL"], frequency="MONTHLY",
                      resources=[_resource("a4", "CSV")]),
        "b1": dataset("b", "b1", theme=["ECON"], frequency="ANNUAL",
                      tags=[{"name": "presupuesto"}],
                      resources=[_resource("b1", "CSV"), _resource("b1", "PDF")]),
        "b2": dataset("b", "b2", theme=["ECON", "GOVE"], frequency="QUARTERLY",
                      resources=[_resource("b2", "ODS")]),
        "b3": procurement("b", "b3", theme=["ECON"], frequency="MONTHLY",
                          resources=[_resource("b3", "JSON")]),
        "b4": commitment("b", "b4", "EC0001", {"evidence_url": "https://datos.example.gob/ev"}),
        "c1": dataset("c", "c1", theme=["TRAN"], frequency="WEEKLY",
                      tags=[{"name": "obligation-transporte"}],
                      resources=[_resource("c1", "PDF")]),
        "c2": dataset("c", "c2", frequency="IRREG"),
        "c3": commitment("c", "c3", "EC0002", {}),
        "c4": dataset("c", "c4", private=True, frequency="DAILY"),
        "d1": dataset("d", "d1", private=True),
    }
    # Last changes: set in the table (CKAN sets metadata_modified itself on every write).
    for key, days in (("a1", 10), ("a2", 0), ("b1", 100), ("b2", 120), ("b3", 5), ("c1", 20),
                      ("a4", 50), ("c4", 3)):
        model.Session.execute(sa.text("UPDATE package SET metadata_modified = :at WHERE id = :id"),
                              {"at": days_ago(days), "id": ds[key]["id"]})
    model.Session.commit()
    harvest = _harvest(context, orgs["b"], ds["b3"])

    obligations = [
        {"code": "presupuesto", "title": {"es": "Presupuesto", "en": "Budget"},
         "frequency": "ANNUAL", "applies_to": {"institution_type": ["ministry"]},
         "match": {"tags": ["presupuesto"]}},
        {"code": "contratacion", "title": {"es": "Contratación pública"}, "frequency": "MONTHLY",
         "applies_to": {"institution_type": ["ministry", "municipality"]},
         "match": {"dataset_type": "procurement"}},
        {"code": "transporte", "title": {"es": "Transporte"}, "frequency": "WEEKLY",
         "applies_to": {"institutions": ["quito"]}, "match": {}},
        {"code": "salud", "title": {"es": "Salud"}, "frequency": "MONTHLY",
         "applies_to": {"sector": ["07"]}, "match": {"theme": ["HEAL"]}},
    ]
    for obligation in obligations:
        call_action("ogpcatalog_obligation_create", context=dict(context), **obligation)
    return {"sysadmin": sysadmin, **users, "orgs": orgs, "datasets": ds, "harvest": harvest}


def _harvest(context: dict, org: dict, package: dict) -> dict:
    """A harvest source of B with two jobs (the last one with an error) and `package` as its
    current object."""
    from ckanext.harvest.model import (HarvestGatherError, HarvestJob, HarvestObject,
                                       HarvestSource)

    created = call_action("harvest_source_create", context=dict(context), name="fuente-mef",
                          title="Catálogo del MEF", url="https://datos.example.gob/mef/catalog.ttl",
                          source_type="dcat_rdf", owner_org=org["id"], frequency="WEEKLY")
    source = HarvestSource.get(created["id"])
    good = HarvestJob(source=source, status="Finished", created=days_ago(8),
                      gather_started=days_ago(8), gather_finished=days_ago(8),
                      finished=days_ago(8))
    good.save()
    HarvestObject(guid="b3", job=good, source=source, package_id=package["id"], current=True,
                  state="COMPLETE").save()
    bad = HarvestJob(source=source, status="Finished", created=days_ago(1),
                     gather_started=days_ago(1), gather_finished=days_ago(1),
                     finished=days_ago(1))
    bad.save()
    HarvestGatherError(message="The catalogue answered 500", job=bad).save()
    return {"source_id": source.id, "good_run": good.finished, "bad_run": bad.finished}


@pytest.fixture(scope="module")
def portal(reset_db, migrate_db_for):
    """The portal, built once for the module; the plugins stay loaded for the module's tests
    (which only read it), sparing a plugin reload per test."""
    yield from module_portal(reset_db, migrate_db_for, build)
