"""The harvest admin pages of an `ogpcatalog_dcat` source are in Spanish, the job report
included: the harvester writes its report in the portal's default language."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ckan.tests import factories

from tests.dcat import harvest_server as hs
from tests.language.test_pages_spanish import english_strings

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)]

CATALOGUE = (Path(__file__).resolve().parents[2] / "i18n" / "es" / "LC_MESSAGES"
             / "ckanext-ogpcatalog.po")
# ckanext-harvest's job statistics labels (`_(action)` in its templates) that its own Spanish
# catalogue lacks; their translations wait in the lead's merge of the harvest messages.
STATS_LABELS = ("added", "not modified")


def _translated(msgids: tuple[str, ...]) -> bool:
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    return all(catalogue.get(msgid) is not None and catalogue.get(msgid).string
               for msgid in msgids)


@pytest.fixture
def harvested(server):
    sysadmin = factories.SysadminWithToken()
    org = hs.institution("inec", "Instituto Nacional de Estadística y Censos",
                         "National Institute of Statistics and Census")
    src = hs.source(server.url("/file/catalog.ttl"), org["id"])
    job, _results = hs.harvest(src["id"])
    return {"headers": {"Authorization": sysadmin["token"]}, "source": src["name"], "job": job}


def test_job_report_and_dry_run_pages_show_the_harvester_messages_in_spanish(app, harvested):
    name, headers = harvested["source"], harvested["headers"]
    # The unknown publisher of one record is reported, in Spanish.
    assert any(m.startswith("Publicador desconocido") for m in hs.job_messages(harvested["job"]))
    report = app.get(f"/harvest/{name}/job/{harvested['job'].id}", headers=headers, status=200)
    assert "Publicador desconocido" in report.body
    dry_run = app.post(f"/harvest/{name}/dry-run", headers=headers, status=200)
    assert "Publicador desconocido" in dry_run.body
    source = app.get(f"/harvest/{name}", headers=headers, status=200)
    assert english_strings(dry_run.body) == []
    assert english_strings(source.body) == []


@pytest.mark.xfail(not _translated(STATS_LABELS), strict=True,
                   reason="the Spanish of ckanext-harvest's job statistics labels is not in "
                          "the catalogue yet")
def test_job_statistics_on_admin_and_report_pages_are_in_spanish(app, harvested):
    name, headers = harvested["source"], harvested["headers"]
    for path in (f"/harvest/admin/{name}", f"/harvest/{name}/job/{harvested['job'].id}"):
        body = app.get(path, headers=headers, status=200).body
        assert english_strings(body) == [], path
        assert "sin cambios" in body and "agregados" in body, path


@pytest.mark.parametrize("status, spanish", [
    ("New", "Esta fuente ya tiene un trabajo pendiente de ejecutar"),
    ("Running", "Detener este trabajo"),
])
def test_source_admin_buttons_of_a_pending_or_running_job_are_in_spanish(app, harvested, status,
                                                                          spanish):
    # ckanext-harvest 1.6.3 writes these buttons' texts in English outside _()
    from ckan import model
    harvested["job"].status = status
    model.Session.add(harvested["job"])
    model.Session.commit()
    name, headers = harvested["source"], harvested["headers"]
    body = app.get(f"/harvest/admin/{name}", headers=headers, status=200).body
    assert spanish in body
    assert "There already is an unrun job" not in body and "Stop this Job" not in body
    assert "Volver a recolectar" in body
