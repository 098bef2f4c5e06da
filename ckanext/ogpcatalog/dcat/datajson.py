"""data.json catalogues as DCAT graphs, so the RDF profile chain parses them like any other.

Two flavours:

``argentina``
    Argentina's "Perfil de Metadatos" (Paquete de Apertura de Datos, also the base of the
    regional GEALC profile): ``dataset[]`` with ``distribution[]``, ``publisher{name, mbox}``,
    ``contactPoint{fn, hasEmail}``, ``superTheme`` (EU data theme codes in lower case) and
    ``theme`` (ids into the catalogue's ``themeTaxonomy``), ``accrualPeriodicity`` as ISO 8601
    repeating intervals (``R/P1M``), ``temporal`` as ``start/end``.
``dcat-us``
    Project Open Data v1.1 (DCAT-US 1.1): ``dataset[]`` with ``accessLevel``,
    ``contactPoint{fn, hasEmail: "mailto:..."}``, ``publisher{name, subOrganizationOf}``,
    free-text ``theme``, ``references``, ``accrualPeriodicity`` (``R/P1Y`` or ``irregular``).

Literals are left untagged: the profile takes them as written in the harvest's default
language (see :mod:`ckanext.ogpcatalog.dcat.languages`). Values are copied as given (a bad
date stays a plain literal) so the profile can report them.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

import ckan.plugins.toolkit as tk
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD, Namespace

from ckanext.ogpcatalog.dcat.languages import EU_LANGUAGE_AUTHORITY
from ckanext.ogpcatalog.dcat.vocabulary import language_code
from ckanext.ogpcatalog.language import N_

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"

FLAVOURS = ("argentina", "dcat-us")

# ISO 8601 repeating intervals of both flavours -> EU frequency authority codes.
FREQUENCIES = {
    "R/P10Y": "DECENNIAL", "R/P4Y": "QUADRENNIAL", "R/P3Y": "TRIENNIAL", "R/P2Y": "BIENNIAL",
    "R/P1Y": "ANNUAL", "R/P6M": "ANNUAL_2", "R/P4M": "ANNUAL_3", "R/P3M": "QUARTERLY",
    "R/P2M": "BIMONTHLY", "R/P1M": "MONTHLY", "R/P0.5M": "MONTHLY_2", "R/P0.33M": "MONTHLY_3",
    "R/P2W": "BIWEEKLY", "R/P1W": "WEEKLY", "R/P0.5W": "WEEKLY_2", "R/P0.33W": "WEEKLY_3",
    "R/P1D": "DAILY", "R/PT1H": "HOURLY", "R/PT1S": "CONT", "EVENTUAL": "IRREG",
    "IRREGULAR": "IRREG",
}
# POD accessLevel -> EU access-right authority codes.
ACCESS_LEVELS = {"public": "PUBLIC", "restricted public": "RESTRICTED", "non-public": "NON_PUBLIC"}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def datajson_to_graph(data: Any, flavour: str, base_uri: str | None = None,
                      notices: list[tuple[str, dict[str, Any]]] | None = None) -> Graph:
    """A DCAT graph of a data.json catalogue.

    :param data: the parsed JSON document
    :param flavour: ``"argentina"`` or ``"dcat-us"``
    :param base_uri: where the document was read from; dataset and distribution URIs are made
        from it when their identifiers are not URIs (``urn:datajson:[<catalogue identifier or homepage>:]...`` otherwise)
    :param notices: receives ``(msgid, params)`` of the records left out (empty records,
        repeated identifiers)
    :raises ValueError: an unknown flavour, or a document without a ``dataset`` list
    """
    if flavour not in FLAVOURS:
        raise ValueError(tk._("Unknown data.json flavour {flavour}; use one of: {choices}")
                         .format(flavour=repr(flavour), choices=", ".join(FLAVOURS)))
    if flavour == "dcat-us" and isinstance(data, list):
        data = {"dataset": data}  # POD 1.0 catalogues were a bare list of datasets
    if not isinstance(data, dict):
        raise ValueError(tk._("Not a data.json catalogue: the document is not a JSON object"))
    datasets = data.get("dataset")
    if not isinstance(datasets, list):
        raise ValueError(tk._("Not a data.json catalogue: it has no \"dataset\" list"))
    builder = _Builder(flavour, base_uri)
    builder.catalog(data)
    if notices is not None:
        notices.extend(builder.notices)
    return builder.g


STABLE_ID_PREFIX = "sha256-"


def stable_identifier(data: dict[str, Any]) -> str:
    """An identifier for a record without one that the next harvest gives again: a hash of
    its landing page, else of its content (never its position in the list)."""
    landing = str(data.get("landingPage") or "").strip()
    key = f"landingPage:{landing}" if landing else json.dumps(data, sort_keys=True, default=str)
    return STABLE_ID_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


class _Builder:
    def __init__(self, flavour: str, base_uri: str | None):
        self.flavour = flavour
        self.base = (base_uri or "").split("#")[0] or None
        self.g = Graph()
        self.g.bind("dcat", DCAT)
        self.g.bind("dct", DCTERMS)
        self.g.bind("foaf", FOAF)
        self.g.bind("vcard", VCARD)
        self.themes: dict[str, str] = {}
        # Without a base URI, the catalogue's own identifier or homepage keeps the dataset
        # URIs of two catalogues apart (many number their datasets 1, 2, 3...).
        self.catalog_key = ""
        self.seen: set[str] = set()
        self.notices: list[tuple[str, dict[str, Any]]] = []

    # References

    def ref(self, kind: str, identifier: Any, position: int) -> URIRef:
        text = str(identifier).strip() if identifier not in (None, "") else ""
        if text.startswith("local:"):
            text = text[len("local:"):]
        elif _URL.match(text) and text not in self.seen:
            self.seen.add(text)
            return URIRef(text)
        local = quote(text or f"{position}", safe="")
        if self.base:
            uri = f"{self.base}#{kind}-{local}"
        elif self.catalog_key:
            uri = f"urn:datajson:{self.catalog_key}:{kind}:{local}"
        else:
            uri = f"urn:datajson:{kind}:{local}"
        while uri in self.seen:  # duplicate identifiers keep distinct nodes
            uri += f"-{position}"
        self.seen.add(uri)
        return URIRef(uri)

    # Values

    def text(self, subject, predicate, value: Any) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            self.g.add((subject, predicate, Literal(value.strip())))

    def uri_or_text(self, subject, predicate, value: Any) -> None:
        if isinstance(value, str) and _URL.match(value.strip()):
            self.g.add((subject, predicate, URIRef(value.strip())))
        else:
            self.text(subject, predicate, value)

    def date(self, subject, predicate, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            return
        value = value.strip()
        if _DATE.match(value):
            datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
            self.g.add((subject, predicate, Literal(value, datatype=datatype)))
        elif _DATETIME.match(value):
            self.g.add((subject, predicate, Literal(value, datatype=XSD.dateTime)))
        else:
            self.g.add((subject, predicate, Literal(value)))  # the profile reports it

    def strings(self, value: Any) -> list[str]:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()] if value.strip() else []
        if isinstance(value, list):
            return [str(v).strip() for v in value
                    if isinstance(v, (str, int)) and str(v).strip()]
        return []

    # Entities

    def catalog(self, data: dict[str, Any]) -> None:
        key = data.get("identifier") or data.get("homepage")
        if isinstance(key, (str, int)) and str(key).strip():
            self.catalog_key = quote(str(key).strip(), safe="")
        catalog = self.ref("catalog", data.get("identifier") or "catalog", 0)
        self.g.add((catalog, RDF.type, DCAT.Catalog))
        self.text(catalog, DCTERMS.title, data.get("title"))
        self.text(catalog, DCTERMS.description, data.get("description"))
        self.uri_or_text(catalog, FOAF.homepage, data.get("homepage"))
        self.date(catalog, DCTERMS.issued, data.get("issued"))
        self.date(catalog, DCTERMS.modified, data.get("modified"))
        self.languages(catalog, data.get("language"))
        self.agent(catalog, DCTERMS.publisher, data.get("publisher"))
        for theme in data.get("themeTaxonomy") or []:
            if isinstance(theme, dict) and theme.get("id"):
                self.themes[str(theme["id"])] = str(theme.get("label") or theme["id"])
        identifiers: set[str] = set()
        for position, dataset in enumerate(data["dataset"]):
            if not isinstance(dataset, dict) or not any(v not in (None, "", [], {})
                                                        for v in dataset.values()):
                self.notices.append((N_("Record {position} of the data.json catalogue is empty "
                                        "and was skipped."), {"position": position + 1}))
                continue
            identifier = str(dataset.get("identifier") or "").strip()
            if identifier and identifier in identifiers:
                self.notices.append((N_("The catalogue lists the dataset identifier {guid} more "
                                        "than once: only the first record was imported."),
                                     {"guid": identifier[:200]}))
                continue
            identifiers.add(identifier)
            self.g.add((catalog, DCAT.dataset, self.dataset(dataset, position)))

    def dataset(self, data: dict[str, Any], position: int) -> URIRef:
        identifier = data.get("identifier")
        if identifier in (None, "") or not str(identifier).strip():
            identifier = stable_identifier(data)  # the harvester notes it on the record
        dataset = self.ref("dataset", identifier, position)
        self.g.add((dataset, RDF.type, DCAT.Dataset))
        if data.get("identifier") not in (None, ""):
            self.text(dataset, DCTERMS.identifier, str(data["identifier"]))
        self.text(dataset, DCTERMS.title, data.get("title"))
        self.text(dataset, DCTERMS.description, data.get("description"))
        for keyword in self.strings(data.get("keyword")):
            self.g.add((dataset, DCAT.keyword, Literal(keyword)))
        self.date(dataset, DCTERMS.issued, data.get("issued"))
        self.date(dataset, DCTERMS.modified, data.get("modified"))
        self.languages(dataset, data.get("language"))
        self.uri_or_text(dataset, DCAT.landingPage, data.get("landingPage"))
        self.agent(dataset, DCTERMS.publisher, data.get("publisher"))
        self.contact(dataset, data.get("contactPoint"))
        self.frequency(dataset, data.get("accrualPeriodicity"))
        self.temporal(dataset, data.get("temporal"))
        self.spatial(dataset, data.get("spatial"))
        self.license(dataset, data.get("license"))
        self.text(dataset, DCTERMS.rights, data.get("rights"))
        self.text(dataset, DCAT.version, data.get("version"))
        if self.flavour == "argentina":
            for code in self.strings(data.get("superTheme")):
                self.g.add((dataset, DCAT.theme, URIRef(EU_DATA_THEME + code.upper())))
            for theme in self.strings(data.get("theme")):  # local taxonomy: as keywords
                self.g.add((dataset, DCAT.keyword, Literal(self.themes.get(theme, theme))))
            self.source(dataset, data.get("source"))
        else:
            level = str(data.get("accessLevel") or "").strip().lower()
            if level in ACCESS_LEVELS:
                self.g.add((dataset, DCTERMS.accessRights,
                            URIRef(EU_ACCESS_RIGHT + ACCESS_LEVELS[level])))
            for theme in self.strings(data.get("theme")):
                self.g.add((dataset, DCAT.keyword, Literal(theme)))
            for reference in self.strings(data.get("references")):
                self.uri_or_text(dataset, FOAF.page, reference)
            self.uri_or_text(dataset, DCTERMS.conformsTo, data.get("conformsTo"))
        for position_d, distribution in enumerate(data.get("distribution") or []):
            if isinstance(distribution, dict) and distribution:
                self.g.add((dataset, DCAT.distribution,
                            self.distribution(distribution, dataset, position_d)))
        return dataset

    def distribution(self, data: dict[str, Any], dataset: URIRef, position: int) -> URIRef:
        identifier = str(data.get("identifier") or "").strip()
        if _URL.match(identifier):
            distribution = self.ref("distribution", identifier, position)
        else:
            local = f"{dataset}/{identifier or position}"
            distribution = self.ref("distribution", f"local:{local}", position)
        self.g.add((distribution, RDF.type, DCAT.Distribution))
        self.text(distribution, DCTERMS.title, data.get("title"))
        self.text(distribution, DCTERMS.description, data.get("description"))
        self.uri_or_text(distribution, DCAT.downloadURL, data.get("downloadURL"))
        access = data.get("accessURL") or data.get("downloadURL")
        self.uri_or_text(distribution, DCAT.accessURL, access)
        self.text(distribution, DCTERMS.format, data.get("format"))
        self.text(distribution, DCAT.mediaType, data.get("mediaType"))
        size = data.get("byteSize")
        if isinstance(size, int) or (isinstance(size, str) and size.strip().isdigit()):
            self.g.add((distribution, DCAT.byteSize,
                        Literal(int(size), datatype=XSD.nonNegativeInteger)))
        self.date(distribution, DCTERMS.issued, data.get("issued"))
        self.date(distribution, DCTERMS.modified, data.get("modified"))
        self.license(distribution, data.get("license"))
        self.text(distribution, DCTERMS.rights, data.get("rights"))
        self.uri_or_text(distribution, DCTERMS.conformsTo, data.get("conformsTo"))
        return distribution

    def source(self, subject, value: Any) -> None:
        """Argentina's ``source``: an IRI is a ``dct:source`` (a dataset it derives from); free
        text ("Dirección Nacional de ...") a provenance statement (DCAT-AP 3 wants IRIs)."""
        if not isinstance(value, str) or not value.strip():
            return
        if _URL.match(value.strip()):
            self.g.add((subject, DCTERMS.source, URIRef(value.strip())))
            return
        statement = BNode()
        self.g.add((statement, RDF.type, DCTERMS.ProvenanceStatement))
        self.g.add((statement, RDFS.label, Literal(value.strip())))
        self.g.add((subject, DCTERMS.provenance, statement))

    def languages(self, subject, value: Any) -> None:
        for tag in self.strings(value):
            code = language_code(tag)
            if code:
                self.g.add((subject, DCTERMS.language, URIRef(EU_LANGUAGE_AUTHORITY + code)))

    def agent(self, subject, predicate, value: Any) -> None:
        if not isinstance(value, dict) or not str(value.get("name") or "").strip():
            return
        agent = BNode()
        self.g.add((agent, RDF.type, FOAF.Agent))
        self.g.add((subject, predicate, agent))
        self.text(agent, FOAF.name, value.get("name"))
        mbox = str(value.get("mbox") or value.get("hasEmail") or "").strip()
        if mbox:
            mbox = mbox if mbox.startswith("mailto:") else f"mailto:{mbox}"
            self.g.add((agent, FOAF.mbox, URIRef(quote(mbox, safe=":@.+-_~"))))

    def contact(self, subject, value: Any) -> None:
        if not isinstance(value, dict) or not (value.get("fn") or value.get("hasEmail")):
            return
        contact = BNode()
        self.g.add((contact, RDF.type, VCARD.Kind))
        self.g.add((subject, DCAT.contactPoint, contact))
        self.text(contact, VCARD.fn, value.get("fn"))
        email = str(value.get("hasEmail") or "").strip()
        if email:
            email = email if email.startswith("mailto:") else f"mailto:{email}"
            self.g.add((contact, VCARD.hasEmail, URIRef(quote(email, safe=":@.+-_~"))))

    def frequency(self, subject, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            return
        code = FREQUENCIES.get(value.strip().upper())
        if code:
            self.g.add((subject, DCTERMS.accrualPeriodicity, URIRef(EU_FREQUENCY + code)))
        else:
            self.g.add((subject, DCTERMS.accrualPeriodicity, Literal(value.strip())))

    def temporal(self, subject, value: Any) -> None:
        if not isinstance(value, str) or "/" not in value:
            return
        start, _, end = value.strip().partition("/")
        if start.upper().startswith("R") or start.upper().startswith("P"):
            return  # a repetition or a bare duration: no period to state
        period = BNode()
        self.g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        self.g.add((subject, DCTERMS.temporal, period))
        self.date(period, DCAT.startDate, start)
        if not end.upper().startswith("P"):
            self.date(period, DCAT.endDate, end)

    def spatial(self, subject, value: Any) -> None:
        if isinstance(value, str) and value.strip():
            value = value.strip()
            if _URL.match(value):
                self.g.add((subject, DCTERMS.spatial, URIRef(value)))
            else:
                place = BNode()
                self.g.add((place, RDF.type, DCTERMS.Location))
                self.g.add((place, SKOS.prefLabel, Literal(value)))
                self.g.add((subject, DCTERMS.spatial, place))

    def license(self, subject, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            return
        if _URL.match(value.strip()):
            self.g.add((subject, DCTERMS.license, URIRef(value.strip())))
        else:
            license_ref = BNode()
            self.g.add((license_ref, RDF.type, DCTERMS.LicenseDocument))
            self.g.add((license_ref, DCTERMS.title, Literal(value.strip())))
            self.g.add((subject, DCTERMS.license, license_ref))
