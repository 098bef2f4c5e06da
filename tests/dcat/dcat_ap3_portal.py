"""A small portal with the DCAT-AP 3 records of issue 20: a yearly series of procurement
releases (created out of order), a data service serving one release, an obligation whose legal
basis the releases carry, and an HVD category."""
from __future__ import annotations

from typing import Any

from ckan.tests.helpers import call_action

from tests.dcat import portal

SERIES = "compras-publicas-anuales"
SERVICE = "api-compras-publicas"
YEARS = (2023, 2021, 2022)  # created out of order: the navigation follows the coverage


def release(year: int, **overrides: Any) -> dict[str, Any]:
    data = portal.general_dataset(
        name=f"compras-publicas-{year}",
        owner_org="sercop",
        title_translated={"es": f"Compras públicas {year}", "en": f"Public procurement {year}"},
        notes_translated={"es": f"Procesos de contratación del año {year}.",
                          "en": f"Procurement processes of {year}."},
        tag_string="compras,obligation-contratacion-ocds",
        temporal_coverage=[{"start": f"{year}-01-01", "end": f"{year}-12-31"}],
        in_series=[SERIES],
        applicable_legislation=["https://www.example.gob.ec/leyes/losncp"],
        hvd_category=["c_e1da4e07"],
        resources=[{"url": f"https://datos.example.gob.ec/compras-{year}.csv",
                    "name": f"Compras {year} (CSV)", "format": "CSV"}])
    data.update(overrides)
    return data


def build() -> dict[str, Any]:
    portal.institution("sercop", "Servicio Nacional de Contratación Pública",
                       "National Public Procurement Service", portal.RUC_SERCOP)
    site = portal.site()
    call_action("ogpcatalog_obligation_create", context=dict(site), code="contratacion-ocds",
                title={"es": "Procesos de contratación pública en OCDS",
                       "en": "Public procurement processes in OCDS"},
                legal_basis="LOTAIP art. 19; Ley Orgánica del Sistema Nacional de "
                            "Contratación Pública",
                frequency="MONTHLY", applies_to={"institutions": ["sercop"]},
                match={"tags": ["compras-no-coincide"]})
    series = call_action(
        "package_create", context=dict(site), type="dataset_series", name=SERIES,
        owner_org="sercop",
        title_translated={"es": "Compras públicas anuales", "en": "Yearly public procurement"},
        notes_translated={"es": "Una edición por año.", "en": "One release per year."},
        frequency="ANNUAL")
    releases = {year: call_action("package_create", context=dict(site), **release(year))
                for year in YEARS}
    service = call_action(
        "package_create", context=dict(site), type="data_service", name=SERVICE,
        owner_org="sercop",
        title_translated={"es": "API de compras públicas", "en": "Public procurement API"},
        notes_translated={"es": "Consulta de procesos en OCDS.",
                          "en": "Query of the processes in OCDS."},
        endpoint_url="https://api.example.gob.ec/ocds/v1/",
        endpoint_description="https://api.example.gob.ec/ocds/v1/openapi.json",
        serves_dataset=["compras-publicas-2023"])
    from ckanext.ogpcatalog.metrics import facts
    facts.refresh()
    return {"series": series, "releases": releases, "service": service}
