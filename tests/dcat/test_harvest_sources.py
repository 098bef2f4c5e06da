"""Harvest sources of type `ogpcatalog_dcat`: configuration and URL checks at creation, the
dry run (what would change, writing nothing), type rules, and concurrent imports."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.harvest.model import HarvestObject

from tests.dcat import harvest_server as hs
from tests.dcat.harvest_server import english_reports  # noqa: F401  (fixture)

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG),
              pytest.mark.usefixtures("english_reports")]

TABLES = ("package", "resource", "harvest_object", "harvest_object_extra", "harvest_job",
          "harvest_gather_error", "harvest_object_error", "activity")


@pytest.fixture
def org():
    return hs.institution("inec", "Instituto Nacional de Estadística y Censos",
                          "National Institute of Statistics and Census")


def _counts() -> dict[str, int]:
    return {table: model.Session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            for table in TABLES}


class TestSourceValidation:
    @pytest.mark.parametrize("config, field", [
        ({"format": "excel"}, "format"),
        ({"max_pages": 0}, "max_pages"),
        ({"deletion_threshold": 2}, "deletion_threshold"),
        ({"allow_mass_deletion": "yes"}, "allow_mass_deletion"),
        ({"type_rules": [{"field": "theme", "contains": "x", "type": "unknown"}]}, "type_rules"),
        ({"default_language": 12}, "default_language"),
        ({"profiles": ["no_such_profile"]}, "profiles"),
        ({"colour": "blue"}, "colour"),
    ])
    def test_invalid_config_names_the_key(self, server, org, config, field):
        with pytest.raises(tk.ValidationError) as raised:
            hs.source(server.url("/file/catalog.ttl"), org["id"], config)
        assert field in str(raised.value.error_dict["config"])

    @pytest.mark.parametrize("url, fragment", [
        ("file:///etc/passwd", "Only http and https"),
        ("http://10.1.2.3/catalogo.ttl", "private or reserved"),
        ("http://169.254.169.254/latest/meta-data", "private or reserved"),
    ])
    def test_unsafe_urls_are_refused_at_creation(self, org, url, fragment):
        with pytest.raises(tk.ValidationError) as raised:
            hs.source(url, org["id"])
        assert fragment in str(raised.value.error_dict["url"])

    def test_unsafe_url_is_refused_at_update(self, server, org):
        src = hs.source(server.url("/file/catalog.ttl"), org["id"])
        with pytest.raises(tk.ValidationError) as raised:
            hs.update_source(src, url="http://192.168.1.1/catalogo.ttl")
        assert "url" in raised.value.error_dict

    def test_unsafe_url_is_refused_over_the_api_naming_the_field(self, app, org):
        sysadmin = factories.SysadminWithToken()
        response = app.post("/api/3/action/harvest_source_create", json={
            "name": "fuente-local", "title": "Fuente", "url": "file:///etc/passwd",
            "source_type": "ogpcatalog_dcat", "frequency": "MANUAL", "owner_org": org["id"]},
            headers={"Authorization": sysadmin["token"]}, status=409)
        assert "url" in response.json["error"]

    def test_valid_config_is_kept(self, server, org):
        config = {"format": "turtle", "default_language": "es-EC", "dataset_type": "dataset",
                  "type_rules": [{"field": "conformsTo", "contains": "open-contracting",
                                  "type": "procurement"}],
                  "max_pages": 5, "timeout": 30, "deletion_threshold": 0.2}
        src = hs.source(server.url("/file/catalog.ttl"), org["id"], config)
        assert '"max_pages": 5' in src["config"]


class TestDryRun:
    def test_dry_run_reports_and_writes_nothing(self, server, org):
        src = hs.source(server.url("/file/catalog.ttl"), org["id"])
        before = _counts()
        result = call_action("ogpcatalog_harvest_source_dry_run", context=hs.site_context(),
                             id=src["name"])
        assert _counts() == before
        assert result["counts"] == {"create": 3, "update": 0, "unchanged": 0, "skip": 0,
                                    "delete": 0}
        assert {r["title"] for r in result["create"]} == {
            "Egresos hospitalarios 2024", "Cobertura de vacunación", "Establecimientos de salud"}
        assert result["fatal"] is False

    def test_dry_run_after_a_harvest_shows_updates_and_deletions(self, server, org):
        path = "/dry-changing.ttl"
        src = hs.source(server.serve(path, hs.fixture("catalog.ttl")), org["id"])
        hs.harvest(src["id"])
        server.serve(path, hs.fixture("catalog_two.ttl"))
        before = _counts()
        result = call_action("ogpcatalog_harvest_source_dry_run", context=hs.site_context(),
                             id=src["id"])
        assert _counts() == before
        assert result["counts"]["update"] == 2
        assert result["counts"]["delete"] == 1

    def test_dry_run_of_a_broken_source_reports_the_error(self, server, org):
        url = server.serve("/dry-broken", b"", "text/turtle")
        src = hs.source(url, org["id"])
        result = call_action("ogpcatalog_harvest_source_dry_run", context=hs.site_context(),
                             id=src["id"])
        assert result["fatal"] is True
        assert "empty document" in result["errors"][0]

    def test_type_rules_choose_the_dataset_type(self, server, org):
        src = hs.source(server.url("/file/procurement.ttl"), org["id"], {
            "type_rules": [{"field": "conformsTo", "contains": "open-contracting",
                            "type": "procurement"}]})
        result = call_action("ogpcatalog_harvest_source_dry_run", context=hs.site_context(),
                             id=src["id"])
        types = {r["title"]: r["type"] for r in result["create"]}
        assert types == {"Contrataciones públicas 2024 (OCDS)": "procurement",
                         "Registro de proveedores": "dataset"}

    def test_argentina_data_json_source(self, server, org):
        hacienda = hs.institution("hacienda", "Ministerio de Hacienda", "Ministry of Finance")
        src = hs.source(server.url("/file/argentina.json"), org["id"],
                        {"format": "datajson-argentina"})
        result = call_action("ogpcatalog_harvest_source_dry_run", context=hs.site_context(),
                             id=src["id"])
        owners = {r["title"]: r["owner_org"] for r in result["create"]}
        assert owners["Presupuesto de la Administración Pública Nacional 2018"] == hacienda["id"]
        assert owners["Establecimientos educativos"] == org["id"]  # unknown publisher
        # an unknown publisher is a notice, not an error (issue 18: warnings are not errors)
        assert any("Ministerio de Educación" in n for n in result["notices"])
        assert not any("Ministerio de Educación" in e for e in result["errors"])

    def test_institution_admin_may_run_it_editor_may_not(self, server, org):
        admin, editor = factories.User(), factories.User()
        for user, role in ((admin, "admin"), (editor, "editor")):
            call_action("organization_member_create", context=hs.site_context(),
                        id=org["id"], username=user["name"], role=role)
        src = hs.source(server.url("/file/catalog.ttl"), org["id"])
        call_action("ogpcatalog_harvest_source_dry_run", context={"user": admin["name"]},
                    id=src["id"])
        with pytest.raises(tk.NotAuthorized):
            call_action("ogpcatalog_harvest_source_dry_run",
                        context={"user": editor["name"], "ignore_auth": False}, id=src["id"])

    def test_dry_run_page_shows_the_plan(self, app, server, org):
        sysadmin = factories.SysadminWithToken()
        src = hs.source(server.url("/file/catalog.ttl"), org["id"])
        response = app.post(f"/harvest/{src['name']}/dry-run",
                            headers={"Authorization": sysadmin["token"]})
        assert "Egresos hospitalarios 2024" in response.body
        assert _counts()["package"] == 1  # only the source itself


    def test_source_admin_page_links_to_the_dry_run(self, app, server, org):
        sysadmin = factories.SysadminWithToken()
        src = hs.source(server.url("/file/catalog.ttl"), org["id"])
        response = app.get(f"/harvest/admin/{src['name']}",
                           headers={"Authorization": sysadmin["token"]})
        assert f"/harvest/{src['name']}/dry-run" in response.body


class TestConcurrency:
    def test_two_consumers_importing_the_same_objects_create_each_dataset_once(
            self, app, server, org):
        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob, HarvestSource
        from ckanext.harvest.tests.factories import HarvestJobObj

        from ckanext.ogpcatalog.dcat.harvester import OgpCatalogHarvester

        src = hs.source(server.url("/file/catalog.ttl"), org["id"])
        harvester = OgpCatalogHarvester()
        job = HarvestJobObj(source=HarvestSource.get(src["id"]), run=False)
        object_ids = harvester.gather_stage(HarvestJob.get(job.id))
        assert len(object_ids) == 3
        flask_app = app.flask_app
        errors: list[BaseException] = []

        def consumer():
            try:
                with flask_app.test_request_context():
                    for object_id in object_ids:
                        obj = HarvestObject.get(object_id)
                        queue.fetch_and_import_stages(harvester, obj)
            except BaseException as error:  # noqa: BLE001
                errors.append(error)
            finally:
                model.Session.remove()

        threads = [threading.Thread(target=consumer) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors
        model.Session.remove()
        titles = [pkg.title for pkg in model.Session.query(model.Package).filter(
            model.Package.type == "dataset", model.Package.state == "active")]
        assert sorted(titles) == sorted(["Egresos hospitalarios 2024", "Cobertura de vacunación",
                                         "Establecimientos de salud"])
        assert model.Session.query(HarvestObject).filter(
            HarvestObject.current.is_(True)).count() == 3


class TestLanguageNormalization:
    @pytest.mark.parametrize("value, code", [
        ("es-EC", "SPA"), ("es-419", "SPA"), ("ES", "SPA"), ("SPA", "SPA"),
        ("http://publications.europa.eu/resource/authority/language/ENG", "ENG"),
        ("xx-unknown", "xx-unknown"),
    ])
    def test_language_values_become_codes_of_the_codelist(self, value, code):
        from ckanext.ogpcatalog.dcat.harvester import _normalize_language
        assert _normalize_language(value) == code
