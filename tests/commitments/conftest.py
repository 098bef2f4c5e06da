"""A small portal for the commitment imports: three institutions, Ecuador's first action plan
and two datasets that milestones can cite as evidence."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from ckan.tests import factories
from ckan.tests.helpers import call_action

DATA = Path(__file__).resolve().parents[1] / "data" / "commitments"
SHEET = DATA / "commitments.csv"
SHEET_LATIN1 = DATA / "commitments_latin1.csv"


@pytest.fixture
def portal(with_plugins, clean_db):
    factories.Organization(name="sercop", title="Servicio Nacional de Contratación Pública")
    factories.Organization(name="mintel",
                           title="Ministerio de Telecomunicaciones y de la Sociedad de la Información")
    factories.Organization(name="maate", title_translated={
        "es": "Ministerio del Ambiente, Agua y Transición Ecológica",
        "en": "Ministry of Environment, Water and Ecological Transition"})
    factories.Group(type="action-plan", name="ecuador-2019-2022",
                    title_translated={"es": "Primer Plan de Acción 2019-2022",
                                      "en": "First Action Plan 2019-2022"},
                    country_or_locality="Ecuador", plan_scope="national", plan_number="1",
                    period_start="2019-09-01", period_end="2022-08-31")
    factories.Dataset(name="procesos-contratacion-2024", owner_org="sercop",
                      title="Procesos de contratación 2024", frequency="MONTHLY")
    factories.Dataset(name="indicadores-tic", owner_org="mintel", title="Indicadores TIC",
                      frequency="ANNUAL")
    sysadmin = factories.Sysadmin()
    return {"sysadmin": sysadmin}


def sysadmin_context(portal: dict) -> dict:
    return {"user": portal["sysadmin"]["name"]}


def upload(path: Path) -> FileStorage:
    """The file as the API receives a multipart upload (bytes, any encoding)."""
    return FileStorage(io.BytesIO(path.read_bytes()), filename=path.name)


def import_sheet(portal: dict, path: Path = SHEET, **options) -> dict:
    """Import a fixture file as a sysadmin; unknown lead institutions published by MINTEL."""
    options.setdefault("owner_org", "mintel")
    return call_action("ogpcatalog_commitments_import", sysadmin_context(portal),
                       upload=upload(path), **options)
