"""Commitments and their evidence datasets: counts with and without evidence, freshness of
each evidence dataset on the commitment's page."""
from __future__ import annotations

import datetime

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.commitments.evidence import evidence_counts, ogpcatalog_evidence_freshness
from tests.commitments.conftest import import_sheet, sysadmin_context

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _cite(portal, ogp_id: str, *names: str) -> dict:
    pkg = call_action("package_search", fq=f'ogp_id:"{ogp_id}"', include_private=True)["results"][0]
    return call_action("package_patch", sysadmin_context(portal), id=pkg["id"], milestones=[
        {"description": {"es": "Publicación"}, "end_date": "2021-12-31",
         "evidence_datasets": list(names)}])


def test_counts_commitments_with_and_without_evidence(portal):
    import_sheet(portal)
    _cite(portal, "EC0001", "indicadores-tic")
    _cite(portal, "EC0003", "procesos-contratacion-2024", "indicadores-tic")
    _cite(portal, "EC0008", "indicadores-tic")

    counts = evidence_counts()
    assert (counts["total"], counts["with_evidence"], counts["without_evidence"]) == (8, 3, 5)
    assert counts["action_plans"]["ecuador-2022-2024"] == {
        "total": 2, "with_evidence": 1, "without_evidence": 1}
    assert evidence_counts("ecuador-2019-2022")["with_evidence"] == 2

    # A deleted evidence dataset is no evidence.
    call_action("package_delete", sysadmin_context(portal), id="indicadores-tic")
    assert evidence_counts()["with_evidence"] == 1


def test_freshness_against_the_declared_frequency():
    now = datetime.datetime(2024, 6, 30)
    monthly = {"frequency": "MONTHLY", "metadata_modified": "2024-06-01T10:00:00"}
    assert ogpcatalog_evidence_freshness(monthly, now)["up_to_date"] is True
    # 36 days after: within 1.2 months; 40 days: out of date.
    assert ogpcatalog_evidence_freshness(monthly, datetime.datetime(2024, 7, 7))["up_to_date"] is True
    assert ogpcatalog_evidence_freshness(monthly, datetime.datetime(2024, 7, 12))["up_to_date"] is False
    declared = {"frequency": "ANNUAL", "modified": "2022-01-15", "metadata_modified": "2024-06-01T10:00:00"}
    assert ogpcatalog_evidence_freshness(declared, now)["up_to_date"] is False
    assert ogpcatalog_evidence_freshness({"frequency": "IRREG", "metadata_modified": "2024-01-01"},
                                         now)["up_to_date"] is None
    assert ogpcatalog_evidence_freshness({"metadata_modified": "2024-01-01"}, now)["frequency"] is None


def test_commitment_page_shows_each_evidence_dataset_with_its_freshness(app, portal):
    import_sheet(portal)
    stale = factories.Dataset(name="presupuesto-2019", owner_org="mintel", title="Presupuesto 2019",
                              frequency="ANNUAL", modified="2019-01-31")
    pkg = _cite(portal, "EC0003", "procesos-contratacion-2024", stale["name"])

    body = app.get(f"/commitment/{pkg['name']}").body
    evidence = body[body.index('id="commitment-evidence"'):]
    assert "Procesos de contratación 2024" in evidence and "Presupuesto 2019" in evidence
    assert evidence.count("ogpcatalog-freshness-up-to-date") == 1
    assert evidence.count("ogpcatalog-freshness-overdue") == 1
    assert "Mensual" in evidence and "Anual" in evidence  # the frequencies, in Spanish
