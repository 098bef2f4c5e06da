"""A small constructed portal for the dashboard's tests, built once per test module.

Three institutions (two ministries, one agency), users with every role, datasets with known
freshness, one publication obligation for ministries. Its figures are what the pages and the
exports must show.
"""
from __future__ import annotations

import datetime

import pytest

import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from tests.conftest import module_portal

TODAY = datetime.date.today()
OLD = "2020-01-15"  # a monthly dataset last changed then is long overdue
INJECTED_TITLE = '=HYPERLINK("http://evil.example","clic")'


def _dataset(context, org, name, title, **fields):
    data = {"name": name, "title_translated": {"es": title, "en": f"{title} (en)"}, "owner_org": org["id"],
            "license_id": "cc-by", "notes_translated": {"es": f"Descripción de {title}"},
            "resources": [{"url": f"https://datos.example.gob/{name}.csv", "format": "CSV", "name": "Datos"}]}
    data.update(fields)
    return call_action("package_create", context=dict(context), **data)


def build() -> dict:
    sysadmin = factories.Sysadmin(name="sysadmin-metricas")
    users = {role: factories.User(name=name) for role, name in (
        ("member", "miembro-msp"), ("editor", "editora-msp"), ("admin", "admin-msp"),
        ("other_admin", "admin-senescyt"), ("stranger", "visitante"))}
    context = {"user": sysadmin["name"], "ignore_auth": True}

    def org(name, title, kind, sector, members, english=None):
        return call_action("organization_create", context=dict(context), name=name,
                           title_translated={"es": title, "en": english or f"{title} (en)"},
                           institution_type=kind, sector=sector, government_level="national",
                           users=members)

    msp = org("msp", "Ministerio de Salud Pública", "ministry", "07", [
        {"name": users["member"]["name"], "capacity": "member"},
        {"name": users["editor"]["name"], "capacity": "editor"},
        {"name": users["admin"]["name"], "capacity": "admin"}])
    senescyt = org("senescyt", "Secretaría de Educación Superior", "ministry", "09", [
        {"name": users["other_admin"]["name"], "capacity": "admin"}])
    sercop = org("sercop", "Servicio de Contratación Pública", "agency", "01", [])
    # A title a spreadsheet would run as a formula: exports must neutralise it.
    org("inyeccion", INJECTED_TITLE, "agency", "01", [], english=INJECTED_TITLE)

    _dataset(context, msp, "estructura-organica-msp", "Estructura orgánica del MSP",
             tags=[{"name": "estructura-organica"}], frequency="MONTHLY", modified=OLD, theme=["HEAL", "GOVE"])
    _dataset(context, msp, "vacunacion-2026", "Vacunación 2026", frequency="ANNUAL",
             modified=TODAY.isoformat(), theme=["HEAL"])
    _dataset(context, msp, "camas-hospitalarias", "Camas hospitalarias", frequency="MONTHLY",
             modified=OLD, theme=["HEAL"])
    _dataset(context, msp, "borrador-msp", "Borrador interno", private=True)
    _dataset(context, senescyt, "becas-2025", "Becas 2025", theme=["EDUC"])
    _dataset(context, sercop, "compras-2025", "Compras públicas 2025", type="procurement",
             theme=["ECON", "GOVE"], procurement_methods=["open"], main_categories=["goods"],
             period_start="2025-01-01", period_end="2025-12-31", emergency="false",
             total_values=[{"currency": "USD", "amount": 1000}])
    call_action("ogpcatalog_obligation_create", context=dict(context), code="estructura-organica",
                title={"es": "Estructura orgánica", "en": "Organisational structure"},
                legal_basis="LOTAIP art. 19 a)", frequency="MONTHLY",
                applies_to={"institution_type": ["ministry"]}, match={"tags": ["estructura-organica"]})
    call_action("ogpcatalog_metrics_snapshot_create", context=dict(context))
    return {"sysadmin": sysadmin, **users, "msp": msp, "senescyt": senescyt, "sercop": sercop}


@pytest.fixture(scope="module")
def portal(reset_db, migrate_db_for):
    """The portal, built once for the module (the tests only read it), with the plugins of
    test.ini loaded for the whole module (CKAN's function-scoped ``with_plugins`` and ``app``
    would load them and build the app again for every test: seconds each)."""
    yield from module_portal(reset_db, migrate_db_for, build)


@pytest.fixture(scope="module")
def app(portal):
    """One test client for the module (overrides CKAN's function-scoped ``app``). Tests that
    change the config use the ``ckan_config`` mark together with the ``ckan_config`` fixture."""
    from ckan.lib.app_globals import _CONFIG_CACHE
    from ckan.tests.helpers import _get_test_app

    _CONFIG_CACHE.clear()
    return _get_test_app()


# Every test computes its answers afresh (test_dashboard_pages.py tests the cache): put
# ``pytestmark = NO_CACHE`` in each test module.
NO_CACHE = [pytest.mark.ckan_config("ckanext.ogpcatalog.metrics.dashboard_cache_seconds", 0),
            pytest.mark.usefixtures("ckan_config")]


def token(user: dict) -> dict:
    """Request headers that authenticate as ``user`` (an API token of theirs)."""
    created = call_action("api_token_create", context={"user": user["name"], "ignore_auth": True},
                          user=user["name"], name="pruebas")
    return {"Authorization": created["token"]}
