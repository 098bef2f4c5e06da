"""A small constructed portal for the DCAT profile tests: two institutions with legal
identifiers, an action plan, and one dataset of each type with bilingual values and resources."""
from __future__ import annotations

from typing import Any

from ckan.tests.helpers import call_action

RUC_SERCOP = "1760001550001"
RUC_INEC = "1760011270001"
PLAN = "ecuador-2019-2022"


def site() -> dict[str, Any]:
    return {"user": call_action("get_site_user")["name"]}


def institution(name: str, es: str, en: str, ruc: str) -> dict[str, Any]:
    return call_action(
        "organization_create", context=site(), name=name,
        title_translated={"es": es, "en": en},
        institution_type="agency", sector="01", government_level="national",
        legal_identifier_scheme="EC-RUC", legal_identifier=ruc,
        website=f"https://www.{name}.example.gob.ec", email=f"datos@{name}.example.gob.ec")


def general_dataset(**overrides) -> dict[str, Any]:
    data = {
        "type": "dataset",
        "name": "egresos-hospitalarios-2024",
        "owner_org": "inec",
        "title_translated": {"es": "Egresos hospitalarios 2024", "en": "Hospital discharges 2024"},
        "notes_translated": {"es": "Egresos de los hospitales públicos y privados.",
                             "en": "Discharges of public and private hospitals."},
        "tag_string": "salud,hospitales",
        "license_id": "cc-by",
        "theme": ["HEAL", "SOCI"],
        "language": ["SPA", "ENG"],
        "access_rights": "PUBLIC",
        "contact": [{"name": "Dirección de Estadísticas Sociodemográficas",
                     "email": "estadisticas@inec.example.gob.ec",
                     "url": "https://www.inec.example.gob.ec/contacto"}],
        "frequency": "ANNUAL",
        "temporal_coverage": [{"start": "2024-01-01", "end": "2024-12-31"}],
        "spatial_coverage": [{"text": "Ecuador", "uri": "https://sws.geonames.org/3658394/"}],
        "issued": "2025-03-01",
        "modified": "2025-04-15",
        "version": "1.2",
        "url": "https://www.inec.example.gob.ec/egresos",
        "documentation": ["https://www.inec.example.gob.ec/egresos/metodologia.pdf"],
        "conforms_to": ["https://www.inec.example.gob.ec/normas/egresos"],
        "resources": [{
            "url": "https://datos.inec.example.gob.ec/egresos-2024.csv",
            "name": "Egresos 2024 (CSV)",
            "description": "Un registro por egreso hospitalario.",
            "format": "CSV",
            "download_url": "https://datos.inec.example.gob.ec/egresos-2024.csv",
            "access_url": "https://www.inec.example.gob.ec/egresos",
            "language": ["SPA"],
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "rights": {"es": "Cite la fuente.", "en": "Cite the source."},
            "issued": "2025-03-01",
            "modified": "2025-04-15",
        }],
    }
    data.update(overrides)
    return data


def procurement_dataset(**overrides) -> dict[str, Any]:
    data = {
        "type": "procurement",
        "name": "compras-emergencia-2020",
        "owner_org": "sercop",
        "title_translated": {"es": "Compras de emergencia 2020",
                             "en": "Emergency purchases 2020"},
        "notes_translated": {"es": "Contratos de emergencia de la red de salud.",
                             "en": "Emergency contracts of the health network."},
        "tag_string": "emergencia,contratación pública",
        "license_id": "cc-by",
        "theme": ["GOVE"],
        "buyer": "inec",
        "buyer_name": {"es": "Hospitales de la red pública", "en": "Public network hospitals"},
        "stages": ["tender", "award"],
        "procurement_methods": ["direct", "limited"],
        "local_method_names": {"es": "Contratación de emergencia", "en": "Emergency contracting"},
        "main_categories": ["goods"],
        "period_start": "2020-03-16",
        "period_end": "2020-12-31",
        "process_count": 4312,
        "currencies": ["USD"],
        "total_values": [{"currency": "USD", "amount": 186450320.75}],
        "emergency": "true",
        "emergency_legal_basis": {"es": "Decreto Ejecutivo 1017", "en": "Executive Decree 1017"},
        "ocds_version": "1.1",
        "ocds_package_type": "release-package",
        "ocid_prefixes": ["ocds-5wno2w"],
        "publication_policy_url": "https://datos.sercop.example.gob.ec/ocds/politica",
        "source_system": {"es": "Sistema Oficial de Contratación Pública",
                          "en": "Official Public Procurement System"},
        "frequency": "MONTHLY",
        "api_url": "https://datos.sercop.example.gob.ec/ocds/api",
        "bulk_download_url": "https://datos.sercop.example.gob.ec/ocds/2020.json.gz",
        "access_rights": "PUBLIC",
        "contact": [{"name": "Dirección de Datos", "email": "datos@sercop.example.gob.ec"}],
        "temporal_coverage": [{"start": "2020-01-01", "end": "2020-12-31"}],
        "spatial_coverage": [{"text": "Ecuador"}],
        "language": ["SPA"],
        "issued": "2021-02-01",
        "modified": "2021-06-30",
        "url": "https://datos.sercop.example.gob.ec/emergencia",
        "conforms_to": ["https://standard.open-contracting.org/1.1/es/"],
        "resources": [{
            "url": "https://datos.sercop.example.gob.ec/ocds/2020.json",
            "name": "Entregas OCDS 2020",
            "description": "Paquete de entregas.",
            "format": "JSON",
        }],
    }
    data.update(overrides)
    return data


def commitment_dataset(**overrides) -> dict[str, Any]:
    data = {
        "type": "commitment",
        "name": "ec0003-contratacion-abierta",
        "owner_org": "sercop",
        "ogp_id": "EC0003",
        "title_translated": {"es": "Contratación abierta", "en": "Open contracting"},
        "short_title": {"es": "Contratación abierta", "en": "Open contracting"},
        "action_plan": PLAN,
        "commitment_number": "3",
        "notes_translated": {"es": "Una plataforma con datos OCDS.",
                             "en": "A platform with OCDS data."},
        "problem": {"es": "Los datos de compras son difíciles de usar.",
                    "en": "Procurement data is hard to use."},
        "lead_institution": "sercop",
        "lead_institution_name": {"es": "Servicio Nacional de Contratación Pública"},
        "supporting_institutions": [
            {"name": "Fundación Ciudadanía y Desarrollo", "kind": "civil-society"}],
        "ogp_values": ["access-to-information"],
        "policy_areas": ["open-contracting"],
        "theme": ["GOVE"],
        "start_date": "2019-09-01",
        "end_date": "2022-08-31",
        "commitment_status": "completed",
        "milestones": [
            {"description": {"es": "Publicar los datos de emergencia",
                             "en": "Publish emergency data"},
             "start_date": "2020-01-01", "end_date": "2020-12-31", "status": "completed",
             "evidence_url": "https://datos.sercop.example.gob.ec/emergencia",
             "evidence_datasets": ["compras-emergencia-2020"]},
            {"description": {"es": "Capacitar a la sociedad civil"},
             "start_date": "2021-01-01", "end_date": "2021-06-30", "status": "in-progress"},
        ],
        "irm_specificity": "specificity-high",
        "irm_completion": "completion-substantial",
        "irm_starred": "yes",
        "irm_report_url": "https://www.opengovpartnership.org/documents/ecuador-2019-2022/",
        "tag_string": "contratación pública",
        "license_id": "cc-by",
        "resources": [{
            "url": "https://datos.sercop.example.gob.ec/ec0003/avance.pdf",
            "name": "Informe de avance",
            "format": "PDF",
        }],
    }
    data.update(overrides)
    return data


def build() -> dict[str, dict[str, Any]]:
    """The portal: returns the three datasets as package_show gives them, by type."""
    institution("inec", "Instituto Nacional de Estadística y Censos",
                "National Institute of Statistics and Census", RUC_INEC)
    institution("sercop", "Servicio Nacional de Contratación Pública",
                "National Public Procurement Service", RUC_SERCOP)
    call_action("group_create", context=site(), type="action-plan", name=PLAN,
                title_translated={"es": "Primer Plan de Acción 2019-2022",
                                  "en": "First Action Plan 2019-2022"},
                country_or_locality="Ecuador", plan_scope="national")
    created = {}
    for data in (general_dataset(), procurement_dataset(), commitment_dataset()):
        created[data["type"]] = call_action("package_create", context=site(), **data)
    return created
