"""What the open-format tests share: the JSON Schemas (the project's own subsets in
``tests/data/open_formats/``, and the full upstream ones in ``../shared/corpus`` where it
exists) and a small portal with every dataset type and every state a dataset can be in.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

import ckan.tests.factories as factories
from ckan.tests.helpers import call_action

from tests.conftest import module_portal

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "data" / "open_formats"
CORPUS = REPO.parent / "shared" / "corpus" / "dcat"
ARGENTINA_SCHEMAS = CORPUS / "argentina" / "pydatajson" / "schema"
POD_SCHEMAS = CORPUS / "dcat-us" / "pod_schema"

LONG_NOTES = "Registro detallado de compras. " * 250  # 7,750 characters
HOSTILE_TITLE = 'Cierre </script><script>alert("x")</script> 2024'


def errors(schema: dict[str, Any], document: Any, registry: Registry | None = None) -> list[str]:
    """Every violation of ``schema`` by ``document``, as ``path: message``."""
    cls = jsonschema.validators.validator_for(schema)
    kwargs = {"registry": registry} if registry is not None else {}
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER, **kwargs)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(document)]


def fixture_schema(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _needs(path: Path) -> None:
    if not path.is_dir():
        pytest.skip(f"The corpus' JSON Schemas are not here ({path}): "
                    "the fixture-schema tests cover the required keys")


def argentina_corpus_schema() -> tuple[dict[str, Any], Registry]:
    """pydatajson's catalog.json and the schemas it refers to. Its references name top-level
    keys without the JSON pointer's slash (``mixed-types.json#nonEmptyString``, which the
    jsonschema of its day resolved): they are given the slash, nothing else changes."""
    _needs(ARGENTINA_SCHEMAS)
    resources = []
    for path in ARGENTINA_SCHEMAS.glob("*.json"):
        text = re.sub(r'("\$ref"\s*:\s*"[^"#]*#)(?!/)([^"]+")', r"\1/\2",
                      path.read_text(encoding="utf-8"))
        contents = json.loads(text)
        resources.append((path.name,
                          Resource.from_contents(contents, default_specification=DRAFT4)))
    registry = Registry().with_resources(resources)
    return registry.contents("catalog.json"), registry


def pod_corpus_schema() -> tuple[dict[str, Any], Registry]:
    """Project Open Data's v1.1 non-federal catalog schema, with its dataset schema."""
    _needs(POD_SCHEMAS)
    catalog = json.loads((POD_SCHEMAS / "non-federal-v1.1_catalog.json").read_text("utf-8"))
    dataset = json.loads((POD_SCHEMAS / "non-federal-v1.1_dataset-non-federal.json")
                         .read_text("utf-8"))
    registry = Registry().with_resources([
        (dataset["id"].rstrip("#"), Resource.from_contents(dataset, default_specification=DRAFT4)),
        (catalog["id"].rstrip("#"), Resource.from_contents(catalog, default_specification=DRAFT4)),
    ])
    return catalog, registry


@pytest.fixture(scope="module")
def portal(reset_db, migrate_db_for):
    """The portal of :func:`build_portal`, built once per test module (the tests only read)."""
    yield from module_portal(reset_db, migrate_db_for, build_portal)


@pytest.fixture(scope="module")
def app(portal):
    """One test client per module (overrides CKAN's function-scoped ``app``), on the module's
    ``portal``. Tests that change the config use the ``ckan_config`` mark and fixture."""
    from ckan.lib.app_globals import _CONFIG_CACHE
    from ckan.tests.helpers import _get_test_app

    _CONFIG_CACHE.clear()
    return _get_test_app()


def build_portal() -> dict[str, Any]:
    """An institution, a full DCAT-AP dataset, a procurement dataset without a description, a
    commitment of an action plan, a dataset with a 7,750-character description and one with a
    title that tries to end the JSON-LD script; and a private, a draft and a deleted dataset
    that no output may show."""
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"], "ignore_auth": True}
    org = call_action("organization_create", context=dict(context), name="mef",
                      title_translated={"es": "Ministerio de Economía y Finanzas",
                                        "en": "Ministry of Economy and Finance"})
    full = call_action(
        "package_create", context=dict(context), name="presupuesto-2024", owner_org=org["id"],
        title_translated={"es": "Presupuesto General del Estado 2024",
                          "en": "General State Budget 2024"},
        notes_translated={"es": "Ejecución presupuestaria mensual del Estado central, por "
                                "institución, programa y fuente de financiamiento.",
                          "en": "Monthly budget execution of the central State, by institution, "
                                "programme and funding source."},
        tag_string="presupuesto,finanzas públicas,índice λ", theme=["ECON", "GOVE"],
        language=["SPA", "ENG"], license_id="cc-by", frequency="MONTHLY",
        access_rights="PUBLIC", issued="2024-01-15", modified="2024-11-30",
        contact=[{"name": "Dirección de Estadística", "email": "datos@finanzas.gob.ec"}],
        temporal_coverage=[{"start": "2024-01-01", "end": "2024-12-31"}],
        spatial_coverage=[{"text": "Ecuador", "uri": "https://sws.geonames.org/3658394/"}],
        url="https://www.finanzas.gob.ec/presupuesto", version="1.2",
        resources=[{"url": "https://datos.finanzas.gob.ec/presupuesto-2024.csv", "format": "CSV",
                    "mimetype": "text/csv", "name": "Ejecución mensual (CSV)", "size": 12345},
                   {"url": "https://datos.finanzas.gob.ec/api/presupuesto", "format": "API",
                    "name": "Consulta en línea"}])
    procurement = call_action(
        "package_create", context=dict(context), type="procurement", name="compras-2024",
        owner_org=org["id"], title="Compras 2024", process_count=2,
        total_values=[{"currency": "USD", "amount": 1500000.50}],
        period_start="2024-01-01", period_end="2024-12-31",
        resources=[{"url": "https://datos.finanzas.gob.ec/ocds-2024.json", "format": "JSON"}])
    factories.Group(type="action-plan", name="ecuador-2019-2022",
                    title_translated={"es": "Primer Plan de Acción 2019-2022",
                                      "en": "First Action Plan 2019-2022"},
                    country_or_locality="Ecuador", plan_scope="national", plan_number="1",
                    period_start="2019-09-01", period_end="2022-08-31")
    commitment = call_action(
        "package_create", context=dict(context), type="commitment", name="compromiso-uno",
        owner_org=org["id"], title_translated={"es": "Datos abiertos de compras",
                                               "en": "Open procurement data"},
        notes_translated={"es": "Publicar las compras públicas en OCDS.",
                          "en": "Publish public procurement as OCDS."},
        commitment_status="completed", action_plan="ecuador-2019-2022", ogp_id="EC0001",
        start_date="2019-09-01", end_date="2021-08-31")
    long = call_action("package_create", context=dict(context), name="registro-largo",
                       owner_org=org["id"], title="Registro largo de compras",
                       notes_translated={"es": LONG_NOTES})
    hostile = call_action("package_create", context=dict(context), name="titulo-hostil",
                          owner_org=org["id"], title=HOSTILE_TITLE)
    private = call_action("package_create", context=dict(context), name="privado-interno",
                          owner_org=org["id"], title="Privado interno", private=True)
    draft = call_action("package_create", context=dict(context), name="borrador-interno",
                        owner_org=org["id"], title="Borrador interno", state="draft")
    deleted = call_action("package_create", context=dict(context), name="borrado-antes",
                          owner_org=org["id"], title="Borrado antes")
    call_action("package_delete", context=dict(context), id=deleted["id"])
    return {"sysadmin": sysadmin, "org": org, "full": full, "procurement": procurement,
            "commitment": commitment, "long": long, "hostile": hostile,
            "public": ["presupuesto-2024", "compras-2024", "compromiso-uno", "registro-largo",
                       "titulo-hostil"],
            "hidden": [private["name"], draft["name"], "borrado-antes"]}
