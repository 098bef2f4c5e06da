"""The RDF vocabulary of the portal's procurement and commitment fields, and the mapping of
codelist codes to the EU authority tables that DCAT-AP uses.

OCDS and OGP have no official RDF vocabulary: fields reuse DCTERMS, schema.org, ADMS, FOAF and
DCAT where one fits and otherwise take a term of our namespace ``ogpc:``
(``https://w3id.org/ogpcatalog#``). ``docs/vocabulary.md`` documents every term; a test checks
that every field of the schemas is either mapped here or by ckanext-dcat's DCAT-AP profile.
"""
from __future__ import annotations

import dataclasses

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.dcat.languages import normalize_language_tag

OGPC = Namespace("https://w3id.org/ogpcatalog#")
SCHEMA = Namespace("http://schema.org/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
PROV = Namespace("http://www.w3.org/ns/prov#")

NAMESPACES = {"ogpc": OGPC, "schema": SCHEMA, "adms": ADMS}

# Dataset types of the portal and their RDF class (besides dcat:Dataset).
TYPE_CLASSES = {
    "procurement": OGPC.ProcurementDataset,
    "commitment": OGPC.Commitment,
    # DCAT-AP 3 records of their own (dcat/profile/series.py, dataservice.py)
    "dataset_series": DCAT.DatasetSeries,
    "data_service": DCAT.DataService,
}

# Codelist fields of the DCAT-AP part: field -> (predicate, codelist). The codes are those of
# the EU authority tables, so the value is the table's URI + code.
AUTHORITY_FIELDS = {
    "theme": (DCAT.theme, "eu-data-theme"),
    "language": (DCTERMS.language, "language"),
    "frequency": (DCTERMS.accrualPeriodicity, "frequency"),
    "access_rights": (DCTERMS.accessRights, "access-right"),
}
# The RDF class DCAT-AP 3 expects of each authority table's concepts.
AUTHORITY_CLASSES = {
    "eu-data-theme": SKOS.Concept,
    "language": DCTERMS.LinguisticSystem,
    "frequency": DCTERMS.Frequency,
    "access-right": DCTERMS.RightsStatement,
}


@dataclasses.dataclass(frozen=True)
class Term:
    """One field of a dataset type and its RDF property.

    ``kind``: ``bilingual`` (one literal per language), ``code`` / ``codes`` (codelist codes
    as plain literals), ``text`` / ``texts``, ``uri``, ``integer``, ``boolean``.
    """
    field: str
    predicate: object
    kind: str
    range: str
    note: str = ""


# Simple fields, one triple per value on the dataset node.
TERMS: dict[str, tuple[Term, ...]] = {
    "procurement": (
        Term("buyer_name", OGPC.buyerName, "bilingual", "rdf:langString",
             "Buyer when it is not an institution of the portal"),
        Term("stages", OGPC.stage, "codes", "xsd:string", "OCDS release tag (stage) code"),
        Term("procurement_methods", OGPC.procurementMethod, "codes", "xsd:string",
             "OCDS `method` code"),
        Term("local_method_names", OGPC.localMethodName, "bilingual", "rdf:langString"),
        Term("main_categories", OGPC.mainProcurementCategory, "codes", "xsd:string",
             "OCDS `procurementCategory` code"),
        Term("process_count", OGPC.processCount, "integer", "xsd:nonNegativeInteger"),
        Term("currencies", OGPC.currency, "texts", "xsd:string", "ISO 4217 code"),
        Term("emergency", OGPC.emergency, "boolean", "xsd:boolean"),
        Term("emergency_legal_basis", OGPC.emergencyLegalBasis, "bilingual", "rdf:langString"),
        Term("ocds_version", OGPC.ocdsVersion, "text", "xsd:string"),
        Term("ocds_package_type", OGPC.ocdsPackageType, "code", "xsd:string",
             "codelist ocds-package-type"),
        Term("ocid_prefixes", OGPC.ocidPrefix, "texts", "xsd:string"),
        Term("publication_policy_url", OGPC.publicationPolicy, "uri", "foaf:Document"),
        Term("source_system", OGPC.sourceSystem, "bilingual", "rdf:langString"),
        Term("api_url", OGPC.api, "uri", "rdfs:Resource"),
        Term("bulk_download_url", OGPC.bulkDownload, "uri", "rdfs:Resource"),
    ),
    "commitment": (
        Term("ogp_id", OGPC.ogpIdentifier, "text", "xsd:string",
             "also as adms:identifier (skos:notation)"),
        Term("tracker_id", OGPC.trackerIdentifier, "text", "xsd:string",
             "the commitment's own identifier in the tracker it was imported from"),
        Term("short_title", DCTERMS.alternative, "bilingual", "rdf:langString"),
        Term("commitment_number", OGPC.commitmentNumber, "text", "xsd:string"),
        Term("problem", OGPC.problem, "bilingual", "rdf:langString"),
        Term("lead_institution_name", OGPC.leadInstitutionName, "bilingual", "rdf:langString",
             "Lead institution when it is not an institution of the portal"),
        Term("ogp_values", OGPC.ogpValue, "codes", "xsd:string", "codelist ogp-value"),
        Term("policy_areas", OGPC.policyArea, "codes", "xsd:string",
             "codelist ogp-policy-area"),
        Term("commitment_status", OGPC.status, "code", "xsd:string",
             "codelist commitment-status"),
        Term("irm_specificity", OGPC.irmSpecificity, "code", "xsd:string"),
        Term("irm_potential_impact", OGPC.irmPotentialImpact, "code", "xsd:string"),
        Term("irm_completion", OGPC.irmCompletion, "code", "xsd:string"),
        Term("irm_did_it_open_government", OGPC.irmDidItOpenGovernment, "code", "xsd:string"),
        Term("irm_starred", OGPC.irmStarred, "code", "xsd:string"),
        Term("irm_verifiable", OGPC.irmVerifiable, "code", "xsd:string"),
        Term("irm_potential_for_results", OGPC.irmPotentialForResults, "code", "xsd:string"),
        Term("irm_promising", OGPC.irmPromising, "code", "xsd:string"),
        Term("irm_early_results", OGPC.irmEarlyResults, "code", "xsd:string"),
        Term("irm_report_url", OGPC.irmReport, "uri", "foaf:Document"),
    ),
}

# Structured fields (serialised and parsed by the profile), documented in docs/vocabulary.md.
STRUCTURED_FIELDS = {
    "procurement": ("buyer", "period_start", "period_end", "total_values"),
    "commitment": ("action_plan", "lead_institution", "supporting_institutions",
                   "start_date", "end_date", "milestones"),
}

# Fields that ckanext-dcat's DCAT-AP 3 profile (or this profile's DCAT-AP part) maps.
DCAT_AP_FIELDS = (
    "title_translated", "name", "notes_translated", "tag_string", "theme", "language",
    "owner_org", "license_id", "access_rights", "contact", "frequency", "temporal_coverage",
    "spatial_coverage", "issued", "modified", "version", "url", "documentation", "conforms_to",
    # DCAT-AP 3 (dcat/profile/series.py, legislation.py, dataservice.py)
    "in_series", "applicable_legislation", "hvd_category", "endpoint_url",
    "endpoint_description", "serves_dataset",
)

# RDF vocabulary description published with the docs (rdfs:domain / rdfs:range hints).
CLASS_NOTES = {
    OGPC.ProcurementDataset: "A dcat:Dataset about public procurement (OCDS).",
    OGPC.Commitment: "A dcat:Dataset describing an OGP action-plan commitment.",
    OGPC.Milestone: "A milestone of a commitment.",
}


def authority_uri(codelist_name: str, code: str) -> str | None:
    """The EU authority URI of a code of one of the AUTHORITY codelists."""
    base = codelists.get(codelist_name).uri
    return f"{base.rstrip('/')}/{code}" if base and code else None


def authority_code(codelist_name: str, value: str) -> str | None:
    """The code of our codelist for an authority URI or a bare code (any case); None when the
    value is not one of the codelist's codes."""
    if not value:
        return None
    codelist = codelists.get(codelist_name)
    text = str(value).strip()
    candidate = text.rstrip("/").rsplit("/", 1)[-1].split("#")[-1]
    if codelist_name == "language":
        return language_code(text)
    for code in (candidate, candidate.upper()):
        if code in codelist:
            return code
    return None


def language_code(tag: str) -> str | None:
    """The code of the language codelist (``SPA``) for a tag, ISO code or authority URI."""
    if not tag:
        return None
    text = str(tag).strip()
    candidate = text.rstrip("/").rsplit("/", 1)[-1].upper()
    if candidate in codelists.get("language"):
        return candidate
    return language_code_of_tag(text)


def language_code_of_tag(tag: str) -> str | None:
    """The code of the language codelist whose ISO 639-1 code is the tag's (``es-EC``, ``spa``
    and the EU authority URI all give ``SPA``)."""
    iso = normalize_language_tag(tag)
    for code in codelists.get("language").codes:
        if iso and code.extra.get("iso639_1") == iso:
            return code.code
    return None


def dataset_type_of(graph, ref) -> str | None:
    """The portal dataset type a record declares with our classes (``ogpc:ProcurementDataset``,
    ``ogpc:Commitment``); None for a plain dcat:Dataset."""
    for rdf_type in graph.objects(ref, RDF.type):
        for name, cls in TYPE_CLASSES.items():
            if rdf_type == cls:
                return name
    return None
