"""Harvesting fixture catalogues over real HTTP: formats, publishers, incremental re-harvest,
updates and deletions of the source's own datasets only."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.harvest.model import HarvestObject

from tests.dcat import harvest_server as hs
from tests.dcat.harvest_server import english_reports  # noqa: F401  (fixture)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG),
              pytest.mark.usefixtures("english_reports")]

TITLES = {"Egresos hospitalarios 2024", "Cobertura de vacunación", "Establecimientos de salud"}


@pytest.fixture
def orgs():
    return {
        "msp": hs.institution("msp", "Ministerio de Salud Pública", "Ministry of Public Health",
                              hs.RUC_MSP),
        "inec": hs.institution("inec", "Instituto Nacional de Estadística y Censos",
                               "National Institute of Statistics and Census"),
    }


@pytest.mark.parametrize("name", ["catalog.ttl", "catalog.rdf", "catalog.jsonld"])
def test_first_harvest_imports_every_dataset_with_its_resources(server, orgs, name):
    src = hs.source(server.url(f"/file/{name}"), orgs["inec"]["id"])
    job, results = hs.harvest(src["id"])
    assert set(hs.source_datasets()) == TITLES
    by_title = {r["dataset"]["title"]: r["dataset"] for r in results.values()}
    assert len(by_title["Cobertura de vacunación"]["resources"]) == 2
    assert len(by_title["Egresos hospitalarios 2024"]["resources"]) == 1


def test_publishers_are_mapped_by_legal_identifier_then_name(server, orgs):
    src = hs.source(server.url("/file/catalog.ttl"), orgs["inec"]["id"])
    job, _results = hs.harvest(src["id"])
    datasets = hs.source_datasets()
    # dct:identifier "EC-RUC-1760001550001" on the publisher
    assert datasets["Egresos hospitalarios 2024"]["owner_org"] == orgs["msp"]["id"]
    # "MINISTERIO DE SALUD PUBLICA": case and accents ignored
    assert datasets["Cobertura de vacunación"]["owner_org"] == orgs["msp"]["id"]
    # unknown publisher: the source's institution, and the job report says so
    assert datasets["Establecimientos de salud"]["owner_org"] == orgs["inec"]["id"]
    assert any("Agencia de Aseguramiento de la Calidad" in m for m in hs.job_messages(job))


def test_explicit_publisher_mapping(server, orgs):
    src = hs.source(server.url("/file/catalog.ttl"), orgs["inec"]["id"],
                    {"publishers": {"Agencia de Aseguramiento de la Calidad": "msp"}})
    hs.harvest(src["id"])
    assert hs.source_datasets()["Establecimientos de salud"]["owner_org"] == orgs["msp"]["id"]


def test_unchanged_reharvest_writes_nothing(server, orgs):
    url = server.serve("/unchanged.ttl", hs.fixture("catalog.ttl"))
    src = hs.source(url, orgs["inec"]["id"])
    hs.harvest(src["id"])
    before = hs.source_datasets()
    objects = model.Session.query(HarvestObject).count()
    activities = model.Session.execute(sa.text("SELECT count(*) FROM activity")).scalar()

    job, results = hs.harvest(src["id"])

    assert results == {}
    assert hs.source_datasets() == before  # metadata_modified included
    assert model.Session.query(HarvestObject).count() == objects
    assert model.Session.execute(
        sa.text("SELECT count(*) FROM activity")).scalar() == activities
    assert job.status == "Finished"


def test_changed_catalogue_updates_and_deletes_only_what_changed(server, orgs):
    path = "/changing.ttl"
    src = hs.source(server.serve(path, hs.fixture("catalog.ttl")), orgs["inec"]["id"])
    hs.harvest(src["id"])
    first = hs.source_datasets()
    server.serve(path, hs.fixture("catalog_two.ttl"))

    job, results = hs.harvest(src["id"])

    now = hs.source_datasets()
    assert "Cobertura de vacunación (actualizado)" in now
    assert now["Cobertura de vacunación (actualizado)"]["id"] == first["Cobertura de vacunación"]["id"]
    assert "Establecimientos de salud" not in now  # removed from the catalogue: deleted
    statuses = sorted(r["report_status"] for r in results.values())
    assert statuses == ["deleted", "updated", "updated"]


def test_hand_made_datasets_are_never_deleted(server, orgs):
    path = "/with-manual.ttl"
    src = hs.source(server.serve(path, hs.fixture("catalog.ttl")), orgs["inec"]["id"])
    manual = factories.Dataset(owner_org=orgs["inec"]["id"], title="Dataset hecho a mano")
    hs.harvest(src["id"])
    server.serve(path, hs.fixture("catalog_two.ttl"))
    hs.harvest(src["id"])
    assert call_action("package_show", id=manual["id"])["state"] == "active"


def test_mass_deletion_needs_explicit_confirmation(server, orgs):
    path = "/shrinking.ttl"
    src = hs.source(server.serve(path, hs.fixture("catalog.ttl")), orgs["inec"]["id"])
    hs.harvest(src["id"])
    server.serve(path, hs.fixture("catalog_one.ttl"))

    job, _results = hs.harvest(src["id"])

    assert set(hs.source_datasets()) == TITLES
    assert any("allow_mass_deletion" in m for m in hs.job_messages(job))

    hs.update_source(src, config={"allow_mass_deletion": True})
    hs.harvest(src["id"])
    assert set(hs.source_datasets()) == {"Egresos hospitalarios 2024"}


def test_records_without_title_or_identifier_are_skipped_and_reported(server, orgs):
    src = hs.source(server.url("/file/problems.ttl"), orgs["inec"]["id"])
    job, results = hs.harvest(src["id"])
    titles = set(hs.source_datasets())
    assert "Red vial nacional" in titles
    assert "Registro sin identificador" not in titles
    messages = hs.job_messages(job)
    assert any("without title" in m for m in messages)
    assert any("without identifier" in m for m in messages)


def test_invalid_date_is_a_reported_error_not_a_crash(server, orgs):
    src = hs.source(server.url("/file/problems.ttl"), orgs["inec"]["id"])
    job, results = hs.harvest(src["id"])
    record = results["https://datos.obras.example.gob/dataset/fecha-invalida"]
    assert record["state"] == "COMPLETE"  # imported without the invalid date
    assert not record["dataset"].get("issued")
    assert any("fecha-invalida" in m and "issued" in m for m in hs.job_messages(job))
    assert job.status == "Finished"


def test_harvested_values_are_bilingual(server, orgs):
    src = hs.source(server.url("/file/catalog.ttl"), orgs["inec"]["id"])
    _job, results = hs.harvest(src["id"])
    dataset = results["https://datos.salud.example.gob/dataset/egresos-hospitalarios"]["dataset"]
    assert dataset["title"] == "Egresos hospitalarios 2024"
    assert dataset["title_translated"] == {"es": "Egresos hospitalarios 2024",
                                           "en": "Hospital discharges 2024"}


def test_two_sources_claiming_one_identifier(server, orgs):
    first = hs.source(server.url("/file/catalog.ttl"), orgs["msp"]["id"], name="fuente-a")
    second = hs.source(server.url("/file/other_source.ttl"), orgs["inec"]["id"],
                       name="fuente-b")
    hs.harvest(first["id"])
    original = hs.source_datasets()["Egresos hospitalarios 2024"]

    job, _results = hs.harvest(second["id"])

    now = hs.source_datasets()
    assert now["Egresos hospitalarios 2024"] == original
    assert "Egresos (copia de otro ministerio)" not in now
    assert "Presupuesto general del Estado" in now
    assert any("already harvested from another source" in m for m in hs.job_messages(job))
