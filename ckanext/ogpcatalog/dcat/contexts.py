"""JSON-LD catalogues that refer to a remote ``@context``, read without downloading it.

rdflib's JSON-LD parser downloads every ``@context`` given by URL (and every ``@import``):
a harvest would then make requests the fetch guards never checked. :func:`localize_contexts`
rewrites the document before rdflib sees it, so nothing is ever downloaded:

* contexts the portal knows are replaced by a local copy written for the portal:
  the DCAT-AP contexts published by SEMIC and W3C's DCAT namespace (:data:`DCAT_CONTEXT`,
  the DCAT-AP terms as the SEMIC contexts name them) and schema.org (``@vocab``);
* Project Open Data's context (DCAT-US 1.1 ``data.json``) marks the document as a DCAT-US
  data.json, which :mod:`.datajson` converts;
* any other remote context is left out and reported: terms only it defined are not understood,
  full IRIs and inline contexts still are.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ADMS = "http://www.w3.org/ns/adms#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"

DATAJSON_US = "datajson-us"

# Term -> (IRI, kind): "id" values are IRIs, "lang" values may be language maps, "" literals.
_TERMS: dict[str, tuple[str, str]] = {
    "title": (DCT + "title", "lang"), "description": (DCT + "description", "lang"),
    "keyword": (DCAT + "keyword", "lang"), "name": (FOAF + "name", "lang"),
    "preferredLabel": (SKOS + "prefLabel", "lang"), "versionNotes": (ADMS + "versionNotes", "lang"),
    "identifier": (DCT + "identifier", ""), "notation": (SKOS + "notation", ""),
    "releaseDate": (DCT + "issued", ""), "modificationDate": (DCT + "modified", ""),
    "issued": (DCT + "issued", ""), "modified": (DCT + "modified", ""),
    "startDate": (DCAT + "startDate", ""), "endDate": (DCAT + "endDate", ""),
    "version": (DCAT + "version", ""), "byteSize": (DCAT + "byteSize", ""),
    "fn": (VCARD + "fn", ""),
    "publisher": (DCT + "publisher", "id"), "creator": (DCT + "creator", "id"),
    "contactPoint": (DCAT + "contactPoint", "id"), "hasEmail": (VCARD + "hasEmail", "id"),
    "dataset": (DCAT + "dataset", "id"), "service": (DCAT + "service", "id"),
    "datasetDistribution": (DCAT + "distribution", "id"),
    "distribution": (DCAT + "distribution", "id"),
    "theme": (DCAT + "theme", "id"), "themes": (DCAT + "themeTaxonomy", "id"),
    "language": (DCT + "language", "id"), "licence": (DCT + "license", "id"),
    "license": (DCT + "license", "id"), "rights": (DCT + "rights", "id"),
    "accessRights": (DCT + "accessRights", "id"), "conformsTo": (DCT + "conformsTo", "id"),
    "accessUrl": (DCAT + "accessURL", "id"), "accessURL": (DCAT + "accessURL", "id"),
    "downloadUrl": (DCAT + "downloadURL", "id"), "downloadURL": (DCAT + "downloadURL", "id"),
    "format": (DCT + "format", "id"), "mediaType": (DCAT + "mediaType", "id"),
    "frequency": (DCT + "accrualPeriodicity", "id"),
    "geographicalCoverage": (DCT + "spatial", "id"), "spatial": (DCT + "spatial", "id"),
    "temporalCoverage": (DCT + "temporal", "id"), "temporal": (DCT + "temporal", "id"),
    "landingPage": (DCAT + "landingPage", "id"), "documentation": (FOAF + "page", "id"),
    "homepage": (FOAF + "homepage", "id"), "otherIdentifier": (ADMS + "identifier", "id"),
    "type": (DCT + "type", "id"), "status": (ADMS + "status", "id"),
    "inSeries": (DCAT + "inSeries", "id"), "previous": (DCAT + "prev", "id"),
    "next": (DCAT + "next", "id"), "first": (DCAT + "first", "id"),
    "last": (DCAT + "last", "id"), "accessService": (DCAT + "accessService", "id"),
    "endpointUrl": (DCAT + "endpointURL", "id"), "endpointURL": (DCAT + "endpointURL", "id"),
    "servesDataset": (DCAT + "servesDataset", "id"), "provenance": (DCT + "provenance", "id"),
    "relatedResource": (DCT + "relation", "id"), "source": (DCT + "source", "id"),
}
_CLASSES = {
    "Catalog": DCAT + "Catalog", "Catalogue": DCAT + "Catalog", "Dataset": DCAT + "Dataset",
    "DatasetMemberOfADatasetSeries": DCAT + "Dataset", "DatasetSeries": DCAT + "DatasetSeries",
    "Distribution": DCAT + "Distribution", "DataService": DCAT + "DataService",
    "CatalogRecord": DCAT + "CatalogRecord", "CatalogueRecord": DCAT + "CatalogRecord",
    "Agent": FOAF + "Agent", "Organization": FOAF + "Organization", "Kind": VCARD + "Kind",
    "Location": DCT + "Location", "PeriodOfTime": DCT + "PeriodOfTime",
    "LicenceDocument": DCT + "LicenseDocument", "LicenseDocument": DCT + "LicenseDocument",
    "Concept": SKOS + "Concept", "ConceptScheme": SKOS + "ConceptScheme",
    "Identifier": ADMS + "Identifier",
}


def _dcat_context() -> dict[str, Any]:
    context: dict[str, Any] = {"dcat": DCAT, "dct": DCT, "dcterms": DCT, "foaf": FOAF,
                               "vcard": VCARD, "adms": ADMS, "skos": SKOS, "xsd": XSD}
    context.update(_CLASSES)
    for term, (iri, kind) in _TERMS.items():
        if kind == "id":
            context[term] = {"@id": iri, "@type": "@id"}
        elif kind == "lang":
            context[term] = {"@id": iri, "@container": ["@set", "@language"]}
        else:
            context[term] = {"@id": iri}
    return context


DCAT_CONTEXT = _dcat_context()
SCHEMA_ORG_CONTEXT = {"@vocab": "http://schema.org/", "schema": "http://schema.org/"}


def _normalized(url: str) -> str:
    text = url.strip().lower()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    if text.startswith("www."):
        text = text[4:]
    return text.rstrip("/#")


def known_context(url: str) -> dict[str, Any] | str | None:
    """The local replacement of a remote context: a context object, :data:`DATAJSON_US`, or
    None when the portal does not know it."""
    text = _normalized(url)
    host, _, path = text.partition("/")
    if host == "project-open-data.cio.gov":
        return DATAJSON_US
    if host == "semiceu.github.io" and "dcat-ap" in path and path.endswith(".jsonld"):
        return DCAT_CONTEXT
    if text in ("w3.org/ns/dcat", "w3.org/ns/dcat.jsonld", "w3.org/ns/dcat3.jsonld",
                "w3.org/ns/dcat2.jsonld"):
        return DCAT_CONTEXT
    if text in ("schema.org", "schema.org/docs/jsonldcontext.json",
                "schema.org/docs/jsonldcontext.jsonld"):
        return SCHEMA_ORG_CONTEXT
    return None


@dataclass
class Localized:
    data: Any
    known: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    datajson_flavour: str | None = None


def localize_contexts(data: Any) -> Localized:
    """A copy of a JSON-LD document without remote contexts (see the module docstring).

    The result never refers to a context by URL: :func:`has_remote_context` is False for it.
    """
    result = Localized(data=None)

    def replacement(url: str) -> dict[str, Any]:
        """The local context for ``url``; an empty one (not ``null``, which would reset the
        active context) when it is unknown or not a JSON-LD context of its own."""
        local = known_context(url)
        if local is None:
            if url not in result.unknown:
                result.unknown.append(url)
            return {}
        if url not in result.known:
            result.known.append(url)
        if local == DATAJSON_US:
            result.datajson_flavour = "dcat-us"
            return {}
        return copy.deepcopy(local)  # type: ignore[arg-type]

    def context_value(value: Any) -> Any:
        if isinstance(value, str):
            return replacement(value)
        if isinstance(value, list):
            return [context_value(item) for item in value]
        if isinstance(value, dict):
            local: dict[str, Any] = {}
            own: dict[str, Any] = {}
            for key, item in value.items():
                if key == "@import":
                    local = replacement(item) if isinstance(item, str) else {}
                else:
                    own[key] = walk(item)
            return {**local, **own}
        return value

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: context_value(value) if key == "@context" else walk(value)
                    for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    result.data = walk(data)
    if result.datajson_flavour and not (isinstance(data, dict)
                                        and isinstance(data.get("dataset"), list)):
        result.datajson_flavour = None  # POD's context on a document that is not a data.json
    return result


def has_remote_context(node: Any) -> bool:
    """True when a JSON-LD node refers to a context by URL (``@context`` string or ``@import``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                if isinstance(value, str):
                    return True
                if isinstance(value, list) and any(isinstance(v, str) for v in value):
                    return True
                if isinstance(value, dict) and "@import" in value:
                    return True
            if has_remote_context(value):
                return True
    elif isinstance(node, list):
        return any(has_remote_context(item) for item in node)
    return False
