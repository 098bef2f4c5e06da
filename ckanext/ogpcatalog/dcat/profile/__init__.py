"""The portal's RDF profile, last in the chain ``euro_dcat_ap_3 euro_dcat_ap_scheming ogpcatalog``.

ckanext-dcat recognises multilingual fields only by ``fluent*`` validators; ours use the
bilingual presets of :mod:`ckanext.ogpcatalog.fields.bilingual`, so this profile does the
language work itself:

* serialise: one literal per language (``@es``, ``@en``) for bilingual fields, the default
  language's tag on single-language free text, codes of the EU authority tables as their URIs,
  the owner institution as publisher, and the procurement and commitment fields in the
  vocabulary of :mod:`ckanext.ogpcatalog.dcat.vocabulary` (``docs/vocabulary.md``);
* parse: language-tagged literals (any tag form) into ``{"es": ..., "en": ...}``, untagged ones
  in :func:`~ckanext.ogpcatalog.dcat.languages.current_default_language`, our vocabulary back
  into the schema fields and the dataset ``type``. Values that cannot be kept (a bad date, a
  code outside the codelists) never raise: they are listed under ``PARSE_ERRORS_KEY`` and
  ``PARSE_WARNINGS_KEY`` of the dataset dict, which the harvester reads (and pops) to report.
"""
from __future__ import annotations

import datetime
import functools
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS, XSD

from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.utils import catalog_uri, publisher_uri_organization_fallback
from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.dcat import vocabulary as v
from ckanext.ogpcatalog.dcat.languages import (
    current_default_language, normalize_language_tag, portal_default_language)
from ckanext.ogpcatalog.fields import bilingual

PARSE_ERRORS_KEY = "ogpcatalog_parse_errors"
PARSE_WARNINGS_KEY = "ogpcatalog_parse_warnings"

LANGUAGES = bilingual.LANGUAGES
UNKNOWN_IPR = URIRef("http://purl.org/adms/licencetype/UnknownIPR")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
_FILE_TYPE_CODE = re.compile(r"^[A-Za-z0-9_]{1,20}$")
_DATE_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$")
_TAG_OK = re.compile(r"^[\w \-.]+$", re.UNICODE)

# Schema fields of each type that hold dates (normalised to YYYY-MM-DD on parse).
DATE_FIELDS = ("issued", "modified", "period_start", "period_end", "start_date", "end_date")


class OgpCatalogProfile(RDFProfile):
    """DCAT-AP 3 with the portal's bilingual fields, institutions and dataset types."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._organizations: dict[str, dict[str, Any] | None] = {}
        self._groups: dict[str, dict[str, Any] | None] = {}
        self._packages: dict[str, str | None] = {}
        self._schemas: dict[str, dict[str, Any] | None] = {}

    # ------------------------------------------------------------------ serialise

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref) -> None:
        g = self.g
        for prefix, namespace in v.NAMESPACES.items():
            g.bind(prefix, namespace)
        language = bilingual.default_language()
        dataset_type = dataset_dict.get("type") or "dataset"

        if dataset_type in v.TYPE_CLASSES:
            g.add((dataset_ref, RDF.type, v.TYPE_CLASSES[dataset_type]))

        self._set_bilingual(dataset_ref, DCTERMS.title,
                            dataset_dict.get("title_translated") or dataset_dict.get("title"))
        self._set_bilingual(dataset_ref, DCTERMS.description,
                            dataset_dict.get("notes_translated") or dataset_dict.get("notes"))
        self._tag_plain_literals(dataset_ref, DCAT.keyword, language)

        for field, (predicate, codelist) in v.AUTHORITY_FIELDS.items():
            if field in dataset_dict or (dataset_ref, predicate, None) in g:
                self._set_authority(dataset_ref, predicate, codelist, dataset_dict.get(field))

        self._graph_contacts(dataset_ref, dataset_dict.get("contact"), language)
        self._remove(dataset_ref, DCTERMS.temporal)
        for period in _as_list(dataset_dict.get("temporal_coverage")):
            if isinstance(period, dict):
                self._add_period(dataset_ref, DCTERMS.temporal,
                                 period.get("start"), period.get("end"))
        self._graph_spatial(dataset_ref, dataset_dict.get("spatial_coverage"), language)
        self._graph_publisher(dataset_ref, dataset_dict, language)

        if dataset_type == "procurement":
            self._graph_procurement(dataset_ref, dataset_dict, language)
        elif dataset_type == "commitment":
            self._graph_commitment(dataset_ref, dataset_dict, language)
        for term in v.TERMS.get(dataset_type, ()):
            self._graph_term(dataset_ref, term, dataset_dict.get(term.field))

        license_url = dataset_dict.get("license_url")
        license_ref = URIRef(license_url) if str(license_url or "").startswith("http") else None
        if license_ref is not None:  # DCAT 3: dct:license of any dcat:Resource
            g.add((dataset_ref, DCTERMS.license, license_ref))
            g.add((license_ref, RDF.type, DCTERMS.LicenseDocument))
            if dataset_dict.get("license_title"):
                g.add((license_ref, DCTERMS.title, Literal(dataset_dict["license_title"])))
        for resource_dict in dataset_dict.get("resources", []):
            distribution = self._distribution_ref(dataset_ref, resource_dict)
            if distribution is not None:
                self._graph_resource(distribution, resource_dict, language)
                if license_ref is not None and not list(g.objects(distribution,
                                                                  DCTERMS.license)):
                    g.add((distribution, DCTERMS.license, license_ref))

    def graph_from_catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref) -> None:
        g = self.g
        language = bilingual.default_language()
        for prefix, namespace in v.NAMESPACES.items():
            g.bind(prefix, namespace)
        title = (catalog_dict or {}).get("title") or tk.config.get("ckan.site_title")
        description = ((catalog_dict or {}).get("description")
                       or tk.config.get("ckan.site_description") or title)
        self._set_bilingual(catalog_ref, DCTERMS.title, title)
        self._set_bilingual(catalog_ref, DCTERMS.description, description)
        self._remove(catalog_ref, DCTERMS.language)
        for code in ("SPA", "ENG"):
            self._add_authority(catalog_ref, DCTERMS.language, "language", code)
        for homepage in g.objects(catalog_ref, v.FOAF.homepage):
            g.add((homepage, RDF.type, v.FOAF.Document))
        if not list(g.objects(catalog_ref, DCTERMS.publisher)):
            publisher = URIRef(catalog_uri().rstrip("/") + "/#publisher")
            g.add((publisher, RDF.type, v.FOAF.Agent))
            g.add((publisher, v.FOAF.name,
                   Literal(tk.config.get("ckan.site_title") or title, lang=language)))
            g.add((catalog_ref, DCTERMS.publisher, publisher))

    # graph helpers

    def _remove(self, subject, predicate) -> None:
        """Remove the (subject, predicate, *) triples and the blank nodes they lead to."""
        for obj in list(self.g.objects(subject, predicate)):
            self.g.remove((subject, predicate, obj))
            if isinstance(obj, BNode) and not list(self.g.subjects(None, obj)):
                for p in set(self.g.predicates(obj, None)):
                    self._remove(obj, p)

    def _set_bilingual(self, subject, predicate, value: Any) -> None:
        values = bilingual.loads(value) if not isinstance(value, dict) else value
        if not values:
            return
        self._remove(subject, predicate)
        for language in LANGUAGES:
            if values.get(language):
                self.g.add((subject, predicate, Literal(values[language], lang=language)))

    def _add_bilingual(self, subject, predicate, value: Any) -> None:
        values = bilingual.loads(value) if not isinstance(value, dict) else value
        for language in LANGUAGES:
            if values.get(language):
                self.g.add((subject, predicate, Literal(values[language], lang=language)))

    def _tag_plain_literals(self, subject, predicate, language: str) -> None:
        for obj in list(self.g.objects(subject, predicate)):
            if isinstance(obj, Literal) and not obj.language and obj.datatype is None:
                self.g.remove((subject, predicate, obj))
                self.g.add((subject, predicate, Literal(str(obj), lang=language)))

    def _add_authority(self, subject, predicate, codelist: str, code: str) -> None:
        uri = v.authority_uri(codelist, code)
        if uri:
            self.g.add((subject, predicate, URIRef(uri)))
            self.g.add((URIRef(uri), RDF.type, v.AUTHORITY_CLASSES[codelist]))
            entry = codelists.get(codelist).get(code)
            for language, label in (entry.label.items() if entry else ()):
                self.g.add((URIRef(uri), SKOS.prefLabel, Literal(label, lang=language)))

    def _set_authority(self, subject, predicate, codelist: str, value: Any) -> None:
        self._remove(subject, predicate)
        for code in _as_list(value):
            if isinstance(code, str) and code:
                self._add_authority(subject, predicate, codelist, code)

    def _add_period(self, subject, predicate, start: Any, end: Any) -> None:
        if not (start or end):
            return
        period = BNode()
        self.g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        for value, date_predicate in ((start, DCAT.startDate), (end, DCAT.endDate)):
            if value:
                self._add_date_triple(period, date_predicate, _date_text(value))
        self.g.add((subject, predicate, period))

    def _graph_contacts(self, dataset_ref, contacts: Any, language: str) -> None:
        contacts = [c for c in _as_list(contacts) if isinstance(c, dict) and any(c.values())]
        if not contacts:
            return
        self._remove(dataset_ref, DCAT.contactPoint)
        for contact in contacts:
            node = BNode()
            self.g.add((node, RDF.type, v.VCARD.Kind))
            self.g.add((dataset_ref, DCAT.contactPoint, node))
            if contact.get("name"):
                self.g.add((node, v.VCARD.fn, Literal(contact["name"], lang=language)))
            if contact.get("email"):
                self.g.add((node, v.VCARD.hasEmail, URIRef(self._add_mailto(contact["email"]))))
            if contact.get("url"):
                self.g.add((node, v.VCARD.hasURL, URIRef(contact["url"])))

    def _graph_spatial(self, dataset_ref, places: Any, language: str) -> None:
        places = [p for p in _as_list(places) if isinstance(p, dict) and any(p.values())]
        if not places:
            return
        self._remove(dataset_ref, DCTERMS.spatial)
        for place in places:
            node = URIRef(place["uri"]) if place.get("uri") else BNode()
            self.g.remove((node, SKOS.prefLabel, None))
            self.g.add((node, RDF.type, DCTERMS.Location))
            if place.get("text"):
                self.g.add((node, SKOS.prefLabel, Literal(place["text"], lang=language)))
            self.g.add((dataset_ref, DCTERMS.spatial, node))

    def _graph_publisher(self, dataset_ref, dataset_dict: dict[str, Any], language: str):
        organization = dataset_dict.get("organization") or {}
        org = self._organization(organization.get("name") or organization.get("id")
                                 or dataset_dict.get("owner_org"))
        if not org:
            return
        self._remove(dataset_ref, DCTERMS.publisher)
        publisher = self._institution_ref(org)
        self._graph_institution(publisher, org, language)
        self.g.add((dataset_ref, DCTERMS.publisher, publisher))

    def _graph_institution(self, node, org: dict[str, Any], language: str) -> None:
        g = self.g
        for triple in list(g.triples((node, None, None))):
            g.remove(triple)
        g.add((node, RDF.type, v.FOAF.Agent))
        g.add((node, RDF.type, v.FOAF.Organization))
        names = bilingual.loads(org.get("title_translated")) or {language: org.get("title")
                                                                  or org["name"]}
        self._add_bilingual(node, v.FOAF.name, names)
        if org.get("website"):
            g.add((node, v.FOAF.homepage, URIRef(org["website"])))
        if org.get("email"):
            g.add((node, v.FOAF.mbox, URIRef(self._add_mailto(org["email"]))))
        identifier, scheme = org.get("legal_identifier"), org.get("legal_identifier_scheme")
        if identifier:
            g.add((node, DCTERMS.identifier,
                   Literal(f"{scheme}-{identifier}" if scheme else identifier)))
            adms_id = BNode()
            g.add((adms_id, RDF.type, v.ADMS.Identifier))
            g.add((adms_id, SKOS.notation, Literal(identifier)))
            if scheme:
                g.add((adms_id, v.ADMS.schemaAgency, Literal(scheme)))
            g.add((node, v.ADMS.identifier, adms_id))

    def _graph_reference(self, subject, predicate, kind: str, name: Any, language: str):
        """An institution (``kind='organization'``) or action plan (``'group'``) by name."""
        if not name:
            return
        if kind == "organization":
            entity = self._organization(name)
            if not entity:
                return
            node = self._institution_ref(entity)
            self._graph_institution(node, entity, language)
        else:
            entity = self._group(name)
            if not entity:
                return
            node = URIRef(self._entity_uri("group", entity["name"]))
            self.g.add((node, RDF.type, v.OGPC.ActionPlan))
            self._add_bilingual(node, DCTERMS.title,
                                bilingual.loads(entity.get("title_translated"))
                                or {language: entity.get("title") or entity["name"]})
        self.g.add((subject, predicate, node))

    def _graph_term(self, subject, term: v.Term, value: Any) -> None:
        if value in (None, "", [], {}):
            return
        g = self.g
        if term.kind == "bilingual":
            self._add_bilingual(subject, term.predicate, value)
        elif term.kind in ("codes", "texts"):
            for item in _as_list(value):
                if item not in (None, ""):
                    g.add((subject, term.predicate, Literal(str(item))))
        elif term.kind in ("code", "text"):
            g.add((subject, term.predicate, Literal(str(value))))
        elif term.kind == "uri":
            g.add((subject, term.predicate, URIRef(str(value))))
        elif term.kind == "integer":
            try:
                g.add((subject, term.predicate,
                       Literal(int(value), datatype=XSD.nonNegativeInteger)))
            except (TypeError, ValueError):
                pass
        elif term.kind == "boolean":
            g.add((subject, term.predicate,
                   Literal(str(value).lower() == "true", datatype=XSD.boolean)))

    def _graph_procurement(self, dataset_ref, data: dict[str, Any], language: str) -> None:
        self._graph_reference(dataset_ref, v.OGPC.buyer, "organization", data.get("buyer"),
                              language)
        self._add_period(dataset_ref, v.OGPC.processPeriod,
                         data.get("period_start"), data.get("period_end"))
        for total in _as_list(data.get("total_values")):
            if not isinstance(total, dict) or total.get("amount") in (None, ""):
                continue
            node = BNode()
            self.g.add((node, RDF.type, v.SCHEMA.MonetaryAmount))
            self.g.add((node, v.SCHEMA.currency, Literal(str(total.get("currency") or ""))))
            try:
                amount = Literal(Decimal(str(total["amount"])), datatype=XSD.decimal)
            except InvalidOperation:
                continue
            self.g.add((node, v.SCHEMA.value, amount))
            self.g.add((dataset_ref, v.OGPC.totalValue, node))

    def _graph_commitment(self, dataset_ref, data: dict[str, Any], language: str) -> None:
        g = self.g
        if data.get("ogp_id"):
            identifier = BNode()
            g.add((identifier, RDF.type, v.ADMS.Identifier))
            g.add((identifier, SKOS.notation, Literal(data["ogp_id"])))
            g.add((identifier, v.ADMS.schemaAgency, Literal("Open Government Partnership")))
            g.add((dataset_ref, v.ADMS.identifier, identifier))
        self._graph_reference(dataset_ref, v.OGPC.actionPlan, "group", data.get("action_plan"),
                              language)
        self._graph_reference(dataset_ref, v.OGPC.leadInstitution, "organization",
                              data.get("lead_institution"), language)
        self._remove(dataset_ref, DCTERMS.temporal)
        self._add_period(dataset_ref, DCTERMS.temporal,
                         data.get("start_date"), data.get("end_date"))
        for supporter in _as_list(data.get("supporting_institutions")):
            if not isinstance(supporter, dict) or not supporter.get("name"):
                continue
            node = BNode()
            g.add((node, RDF.type, v.FOAF.Organization))
            g.add((node, v.FOAF.name, Literal(supporter["name"], lang=language)))
            if supporter.get("kind"):
                g.add((node, v.OGPC.institutionKind, Literal(supporter["kind"])))
            g.add((dataset_ref, v.OGPC.supportingInstitution, node))
        for position, milestone in enumerate(_as_list(data.get("milestones")), start=1):
            if not isinstance(milestone, dict):
                continue
            node = BNode()
            g.add((node, RDF.type, v.OGPC.Milestone))
            g.add((node, v.OGPC.position, Literal(position, datatype=XSD.positiveInteger)))
            self._add_bilingual(node, DCTERMS.description, milestone.get("description"))
            self._add_period(node, DCTERMS.temporal,
                             milestone.get("start_date"), milestone.get("end_date"))
            if milestone.get("status"):
                g.add((node, v.OGPC.status, Literal(milestone["status"])))
            if milestone.get("evidence_url"):
                g.add((node, DCTERMS.references, URIRef(milestone["evidence_url"])))
            for name in _as_list(milestone.get("evidence_datasets")):
                if name:
                    g.add((node, v.OGPC.evidenceDataset,
                           URIRef(self._entity_uri("dataset", str(name)))))
            g.add((dataset_ref, v.OGPC.milestone, node))

    def _distribution_ref(self, dataset_ref, resource_dict: dict[str, Any]):
        for distribution in self.g.objects(dataset_ref, DCAT.distribution):
            if resource_dict.get("id") and str(distribution).endswith(resource_dict["id"]):
                return distribution
            if resource_dict.get("uri") and str(distribution) == resource_dict["uri"]:
                return distribution
        return None

    def _graph_resource(self, distribution, resource_dict: dict[str, Any], language: str):
        g = self.g
        for predicate in (DCTERMS.title, DCTERMS.description):
            self._tag_plain_literals(distribution, predicate, language)
        if "language" in resource_dict:
            self._set_authority(distribution, DCTERMS.language, "language",
                                resource_dict.get("language"))
        rights = bilingual.loads(resource_dict.get("rights"))
        self._remove(distribution, DCTERMS.rights)
        if rights:
            statement = BNode()
            g.add((statement, RDF.type, DCTERMS.RightsStatement))
            self._add_bilingual(statement, RDFS.label, rights)
            g.add((distribution, DCTERMS.rights, statement))
        # dct:format: a file type of the EU authority table (DCAT-AP 3 wants a resource).
        for fmt in list(g.objects(distribution, DCTERMS["format"])):
            if isinstance(fmt, Literal):
                g.remove((distribution, DCTERMS["format"], fmt))
                code = str(fmt).strip().upper().replace(" ", "_")
                if _FILE_TYPE_CODE.match(code):
                    ref = URIRef(FILE_TYPE + code)
                    g.add((distribution, DCTERMS["format"], ref))
                    g.add((ref, RDF.type, DCTERMS.MediaTypeOrExtent))
        for media_type in list(g.objects(distribution, DCAT.mediaType)):
            if isinstance(media_type, Literal):
                g.remove((distribution, DCAT.mediaType, media_type))
                ref = URIRef("https://www.iana.org/assignments/media-types/" + str(media_type))
                g.add((distribution, DCAT.mediaType, ref))
                g.add((ref, RDF.type, DCTERMS.MediaType))
        for predicate in (DCAT.accessURL, DCAT.downloadURL):
            for obj in list(g.objects(distribution, predicate)):
                if isinstance(obj, Literal):  # DCAT-AP 3: IRIs only
                    g.remove((distribution, predicate, obj))
        # ckanext-dcat marks every licence "UnknownIPR" (a placeholder, and not a skos:Concept
        # with a label as DCAT-AP 3 wants): the licence type is optional, leave it out.
        for license_ref in g.objects(distribution, DCTERMS.license):
            g.remove((license_ref, DCTERMS.type, UNKNOWN_IPR))
        if not list(g.objects(distribution, DCAT.accessURL)) and resource_dict.get("url"):
            g.add((distribution, DCAT.accessURL, URIRef(resource_dict["url"])))

    # lookups (cached per serialise/parse run)

    def _institution_ref(self, org: dict[str, Any]) -> URIRef:
        """The institution's URI: the one ckanext-dcat gives an organization as publisher."""
        return URIRef(publisher_uri_organization_fallback({"organization": {"id": org["id"]}})
                      or self._entity_uri("organization", org["name"]))

    def _entity_uri(self, kind: str, name: str) -> str:
        return f"{catalog_uri().rstrip('/')}/{kind}/{name}"

    def _organization(self, name_or_id: Any) -> dict[str, Any] | None:
        if not name_or_id:
            return None
        key = str(name_or_id)
        if key not in self._organizations:
            try:
                self._organizations[key] = tk.get_action("organization_show")(
                    {"ignore_auth": True}, {"id": key, "include_datasets": False,
                                            "include_users": False, "include_extras": True})
            except (tk.ObjectNotFound, tk.ValidationError):
                self._organizations[key] = None
        return self._organizations[key]

    def _group(self, name_or_id: Any) -> dict[str, Any] | None:
        if not name_or_id:
            return None
        key = str(name_or_id)
        if key not in self._groups:
            try:
                self._groups[key] = tk.get_action("group_show")(
                    {"ignore_auth": True}, {"id": key, "include_datasets": False,
                                            "include_users": False})
            except (tk.ObjectNotFound, tk.ValidationError):
                self._groups[key] = None
        return self._groups[key]

    def _package_name(self, name_or_id: str) -> str | None:
        if name_or_id not in self._packages:
            try:
                self._packages[name_or_id] = tk.get_action("package_show")(
                    {"ignore_auth": True}, {"id": name_or_id})["name"]
            except (tk.ObjectNotFound, tk.ValidationError):
                self._packages[name_or_id] = None
        return self._packages[name_or_id]

    def _schema(self, dataset_type: str) -> dict[str, Any] | None:
        if dataset_type not in self._schemas:
            try:
                self._schemas[dataset_type] = tk.get_action("scheming_dataset_schema_show")(
                    {}, {"type": dataset_type})
            except (KeyError, tk.ObjectNotFound):
                self._schemas[dataset_type] = None
        return self._schemas[dataset_type]

    # ------------------------------------------------------------------ parse

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref) -> dict[str, Any]:
        parser = _Parse(self, dataset_dict, dataset_ref)
        return parser.run()


class _Parse:
    """One dataset's parse: the state (errors, language, schema) of a single run."""

    def __init__(self, profile: OgpCatalogProfile, dataset_dict: dict[str, Any], ref):
        self.p = profile
        self.g = profile.g
        self.d = dataset_dict
        self.ref = ref
        self.language = current_default_language()
        self.errors: list[dict[str, str]] = list(dataset_dict.get(PARSE_ERRORS_KEY) or [])
        self.warnings: list[dict[str, str]] = list(dataset_dict.get(PARSE_WARNINGS_KEY) or [])

    def error(self, field: str, value: Any, message: str) -> None:
        self.errors.append({"field": field, "value": str(value)[:200], "message": message})

    def warning(self, field: str, value: Any, message: str) -> None:
        self.warnings.append({"field": field, "value": str(value)[:200], "message": message})

    # values

    def bilingual(self, subject, predicate, field: str | None = None) -> dict[str, str]:
        """``{"es": ..., "en": ...}`` from the literals; other languages are dropped, unless
        there is no Spanish nor English text, then one of them is kept in the default language
        (and a warning says so)."""
        found: dict[str, str] = {}
        others: dict[str, str] = {}
        for obj in self.g.objects(subject, predicate):
            if isinstance(obj, Literal):
                text = str(obj).strip()
                language = (normalize_language_tag(obj.language) if obj.language
                            else self.language)
            elif isinstance(obj, (URIRef, BNode)):
                labels = bilingual_labels(self.g, obj, self.language)
                for language, text in labels.items():
                    (found if language in LANGUAGES else others).setdefault(language, text)
                continue
            else:
                continue
            if not text:
                continue
            if language in LANGUAGES:
                # a region-specific tag (es-EC) does not replace the plain one
                if language not in found or (obj.language or "").lower() == language:
                    found[language] = text
            elif language:
                others.setdefault(language, text)
        if not found and others and field:
            language, text = sorted(others.items())[0]
            found[self.language] = text
            self.warning(field, language,
                         tk._("No Spanish or English text; the {language} text was kept")
                         .format(language=language))
        return found

    def date(self, field: str, value: Any) -> str | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        match = _DATE_PREFIX.match(text)
        if match:
            year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
            try:
                return datetime.date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                pass
        self.error(field, text, tk._("Invalid date: {value}").format(value=text))
        return None

    def literal(self, subject, predicate) -> str | None:
        for obj in self.g.objects(subject, predicate):
            return str(obj)
        return None

    # the run

    def run(self) -> dict[str, Any]:
        d = self.d
        # Our classes say the type; else the type the parser was set up with (the harvest
        # source's rules), else the general dataset.
        dataset_type = (v.dataset_type_of(self.g, self.ref)
                        or (self.p._dataset_schema or {}).get("dataset_type") or "dataset")
        d["type"] = dataset_type
        schema = self.p._schema(dataset_type) or {}
        fields = {f["field_name"]: f for f in schema.get("dataset_fields", [])}

        title = self.bilingual(self.ref, DCTERMS.title, "title")
        if title:
            d["title_translated"] = title
            d["title"] = bilingual.pick(title, portal_default_language())[0]
        notes = self.bilingual(self.ref, DCTERMS.description, "notes")
        if notes:
            d["notes_translated"] = notes
            d["notes"] = bilingual.pick(notes, portal_default_language())[0]
        elif "notes" in d:
            d.pop("notes")

        d["tags"] = self.tags()
        self.authority_fields(fields)
        for field in ("issued", "modified"):
            value = d.pop(field, None) or _extra(d, field)
            if field in fields and value:
                parsed = self.date(field, value)
                if parsed:
                    d[field] = parsed
        self.contacts(fields)
        self.coverage(fields)
        self.publisher()

        if dataset_type == "procurement":
            self.procurement()
        elif dataset_type == "commitment":
            self.commitment()
        for term in v.TERMS.get(dataset_type, ()):
            self.term(term)

        self.license()
        self.resources(schema)
        self.clean(fields)
        d[PARSE_ERRORS_KEY] = self.errors
        d[PARSE_WARNINGS_KEY] = self.warnings
        return d

    def tags(self) -> list[dict[str, str]]:
        """Keywords in Spanish, English or untagged; valid CKAN tag names only."""
        names: list[str] = []
        for obj in self.g.objects(self.ref, DCAT.keyword):
            if not isinstance(obj, Literal):
                continue
            if obj.language and normalize_language_tag(obj.language) not in LANGUAGES:
                continue
            for keyword in str(obj).split(","):
                keyword = " ".join(keyword.split())[:100]
                if len(keyword) < 2 or not _TAG_OK.match(keyword):
                    if keyword:
                        self.warning("tags", keyword, tk._("Keyword dropped: not a valid tag"))
                    continue
                if keyword not in names:
                    names.append(keyword)
        return [{"name": name} for name in names]

    def authority_fields(self, fields: dict[str, Any]) -> None:
        d = self.d
        for field, (predicate, codelist) in v.AUTHORITY_FIELDS.items():
            d.pop(field, None)
            if field not in fields:
                continue
            codes: list[str] = []
            for obj in self.g.objects(self.ref, predicate):
                value = str(obj)
                if isinstance(obj, BNode):
                    value = self.literal(obj, RDFS.label) or ""
                code = v.authority_code(codelist, value)
                if code and code not in codes:
                    codes.append(code)
                elif not code and value:
                    self.warning(field, value, tk._("Not a code of the list {codelist}; dropped")
                                 .format(codelist=codelist))
            if not codes:
                continue
            multiple = "scheming_multiple_choice" in str(fields[field].get("validators", ""))
            d[field] = codes if multiple else codes[0]

    def contacts(self, fields: dict[str, Any]) -> None:
        d = self.d
        contacts = d.pop("contact", None)
        if "contact" not in fields or not isinstance(contacts, list):
            return
        kept = []
        for contact in contacts:
            clean = {k: str(contact.get(k) or "").strip() for k in ("name", "email", "url")}
            if clean["url"] and not clean["url"].lower().startswith(("http://", "https://")):
                clean["url"] = ""
            if clean["email"] and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", clean["email"]):
                self.warning("contact", clean["email"], tk._("Not an email address; dropped"))
                clean["email"] = ""
            if any(clean.values()):
                kept.append({k: val for k, val in clean.items() if val})
        if kept:
            d["contact"] = kept

    def coverage(self, fields: dict[str, Any]) -> None:
        d = self.d
        d.pop("temporal_coverage", None)
        if "temporal_coverage" in fields:
            periods = []
            for period in self.g.objects(self.ref, DCTERMS.temporal):
                start, end = self.period(period, "temporal_coverage")
                if start or end:
                    periods.append({k: val for k, val in (("start", start), ("end", end)) if val})
            if periods:
                d["temporal_coverage"] = periods
        places = d.pop("spatial_coverage", None)
        if "spatial_coverage" in fields and isinstance(places, list):
            kept = []
            for place in places:
                clean = {}
                uri = str(place.get("uri") or "")
                if uri.lower().startswith(("http://", "https://")):
                    clean["uri"] = uri
                text = place.get("text")
                if not text and uri:
                    text = bilingual.pick(bilingual_labels(self.g, URIRef(uri), self.language),
                                          self.language)[0]
                if text:
                    clean["text"] = str(text)
                if clean:
                    kept.append(clean)
            if kept:
                d["spatial_coverage"] = kept

    def period(self, node, field: str) -> tuple[str | None, str | None]:
        start = end = None
        for predicate in (DCAT.startDate, v.SCHEMA.startDate):
            start = start or self.literal(node, predicate)
        for predicate in (DCAT.endDate, v.SCHEMA.endDate):
            end = end or self.literal(node, predicate)
        return (self.date(field, start) if start else None,
                self.date(field, end) if end else None)

    def publisher(self) -> None:
        """``publisher``: ckanext-dcat's agent dicts, with the bilingual name and the legal
        identifier (``identifier``, and ``legal_identifier`` / ``legal_identifier_scheme``
        from adms:identifier) for the harvester's institution mapping."""
        agents = []
        for node in self.g.objects(self.ref, DCTERMS.publisher):
            name = self.bilingual(node, v.FOAF.name, "publisher")
            agent: dict[str, Any] = {
                "uri": str(node) if isinstance(node, URIRef) else "",
                "name": bilingual.pick(name, portal_default_language())[0],
                "name_translated": name,
                "email": (self.literal(node, v.FOAF.mbox)
                          or self.literal(node, v.VCARD.hasEmail) or "").replace("mailto:", ""),
                "url": self.literal(node, v.FOAF.homepage) or "",
                "type": self.literal(node, DCTERMS.type) or "",
                "identifier": self.literal(node, DCTERMS.identifier) or "",
            }
            for identifier in self.g.objects(node, v.ADMS.identifier):
                notation = self.literal(identifier, SKOS.notation)
                if notation:
                    agent["legal_identifier"] = notation
                    scheme = self.literal(identifier, v.ADMS.schemaAgency)
                    if scheme:
                        agent["legal_identifier_scheme"] = scheme
                    break
            agents.append(agent)
        if agents:
            self.d["publisher"] = agents

    def reference(self, predicate, kind: str) -> tuple[str | None, dict[str, str]]:
        """(the local name of the referenced institution or group, its bilingual name)."""
        for node in self.g.objects(self.ref, predicate):
            label_predicate = v.FOAF.name if kind == "organization" else DCTERMS.title
            names = self.bilingual(node, label_predicate)
            local = None
            if isinstance(node, URIRef):
                key = str(node).rstrip("/").rsplit("/", 1)[-1]
                entity = (self.p._organization(key) if kind == "organization"
                          else self.p._group(key))
                local = entity["name"] if entity else None
            return local, names
        return None, {}

    def procurement(self) -> None:
        d = self.d
        buyer, names = self.reference(v.OGPC.buyer, "organization")
        if buyer:
            d["buyer"] = buyer
        elif names and not self.g.value(self.ref, v.OGPC.buyerName):
            d["buyer_name"] = names
        for period in self.g.objects(self.ref, v.OGPC.processPeriod):
            start, end = self.period(period, "period_start")
            if start:
                d["period_start"] = start
            if end:
                d["period_end"] = end
        totals = []
        for node in self.g.objects(self.ref, v.OGPC.totalValue):
            currency = self.literal(node, v.SCHEMA.currency)
            amount = self.literal(node, v.SCHEMA.value)
            if currency and amount:
                totals.append({"currency": currency, "amount": amount})
        if totals:
            d["total_values"] = totals

    def commitment(self) -> None:
        d = self.d
        plan, names = self.reference(v.OGPC.actionPlan, "group")
        if plan:
            d["action_plan"] = plan
        else:
            node = self.g.value(self.ref, v.OGPC.actionPlan)
            if node is not None:
                self.error("action_plan", node,
                           tk._("The action plan is not on this portal"))
        lead, names = self.reference(v.OGPC.leadInstitution, "organization")
        if lead:
            d["lead_institution"] = lead
        elif names and not self.g.value(self.ref, v.OGPC.leadInstitutionName):
            d["lead_institution_name"] = names
        for period in self.g.objects(self.ref, DCTERMS.temporal):
            start, end = self.period(period, "start_date")
            if start:
                d["start_date"] = start
            if end:
                d["end_date"] = end
        supporters = []
        for node in self.g.objects(self.ref, v.OGPC.supportingInstitution):
            name = bilingual.pick(self.bilingual(node, v.FOAF.name), self.language)[0]
            if name:
                supporter = {"name": name}
                kind = self.literal(node, v.OGPC.institutionKind)
                if kind:
                    supporter["kind"] = kind
                supporters.append(supporter)
        if supporters:
            d["supporting_institutions"] = supporters
        milestones = []
        for node in self.g.objects(self.ref, v.OGPC.milestone):
            milestone: dict[str, Any] = {}
            description = self.bilingual(node, DCTERMS.description, "milestones")
            if description:
                milestone["description"] = description
            for period in self.g.objects(node, DCTERMS.temporal):
                start, end = self.period(period, "milestones")
                if start:
                    milestone["start_date"] = start
                if end:
                    milestone["end_date"] = end
            status = self.literal(node, v.OGPC.status)
            if status:
                milestone["status"] = status
            evidence = self.literal(node, DCTERMS.references)
            if evidence:
                milestone["evidence_url"] = evidence
            datasets = []
            for ref in self.g.objects(node, v.OGPC.evidenceDataset):
                key = str(ref).rstrip("/").rsplit("/", 1)[-1]
                name = self.p._package_name(key)
                if name:
                    datasets.append(name)
                else:
                    self.warning("milestones", ref,
                                 tk._("Evidence dataset not on this portal; dropped"))
            if datasets:
                milestone["evidence_datasets"] = datasets
            position = self.literal(node, v.OGPC.position)
            milestones.append((int(position) if position and position.isdigit() else 0,
                               milestone))
        if milestones:
            d["milestones"] = [m for _, m in sorted(milestones, key=lambda item: item[0])]

    def term(self, term: v.Term) -> None:
        d = self.d
        objects = list(self.g.objects(self.ref, term.predicate))
        if not objects:
            return
        if term.kind == "bilingual":
            value = self.bilingual(self.ref, term.predicate, term.field)
            if value:
                d[term.field] = value
        elif term.kind in ("codes", "texts"):
            d[term.field] = sorted({str(o) for o in objects if str(o).strip()})
        elif term.kind in ("code", "text", "uri"):
            d[term.field] = str(objects[0])
        elif term.kind == "integer":
            try:
                d[term.field] = int(str(objects[0]))
            except ValueError:
                self.error(term.field, objects[0], tk._("Not a whole number"))
        elif term.kind == "boolean":
            d[term.field] = "true" if str(objects[0]).lower() in ("true", "1") else "false"

    def license(self) -> None:
        """The dataset's licence (dct:license of the dataset, else of a distribution) as a
        licence of the portal, by URL or title; resources that only inherit it drop it."""
        by_url, by_title = _licenses(tk.config.get("licenses_group_url") or "")
        dataset_license = self.g.value(self.ref, DCTERMS.license)
        candidates = [dataset_license] if dataset_license is not None else []
        for distribution in self.g.objects(self.ref, DCAT.distribution):
            candidates.extend(self.g.objects(distribution, DCTERMS.license))
        for candidate in candidates:
            found = by_url.get(str(candidate).rstrip("/"))
            title = self.literal(candidate, DCTERMS.title) or self.literal(candidate, RDFS.label)
            found = found or by_title.get((title or "").strip().casefold())
            if found:
                self.d["license_id"] = found
                break
        if dataset_license is not None:
            for resource in self.d.get("resources", []):
                if resource.get("license") == str(dataset_license):
                    resource.pop("license")

    def resources(self, schema: dict[str, Any]) -> None:
        resource_fields = {f["field_name"]: f for f in schema.get("resource_fields", [])}
        for resource in self.d.get("resources", []):
            node = None
            ref = resource.pop("distribution_ref", None)
            if ref:
                node = BNode(ref) if not ref.startswith(("http", "urn:")) else URIRef(ref)
                if not list(self.g.predicate_objects(node)):
                    node = BNode(ref)
            if node is not None:
                for key, predicate in (("name", DCTERMS.title),
                                       ("description", DCTERMS.description)):
                    values = self.bilingual(node, predicate, f"resources.{key}")
                    if values:
                        resource[key] = bilingual.pick(values, portal_default_language())[0]
                fmt = self.g.value(node, DCTERMS["format"])
                if isinstance(fmt, URIRef) and str(fmt).startswith(FILE_TYPE):
                    resource["format"] = str(fmt)[len(FILE_TYPE):]
                media = self.g.value(node, DCAT.mediaType)
                if isinstance(media, URIRef) and "iana.org/assignments/media-types/" in media:
                    resource["mimetype"] = str(media).split("media-types/", 1)[1]
                    if resource.get("format") == str(media):
                        resource["format"] = resource["mimetype"]
                rights = {}
                for statement in self.g.objects(node, DCTERMS.rights):
                    if isinstance(statement, Literal):
                        rights.update(self.bilingual(node, DCTERMS.rights))
                    else:
                        rights.update({k: t for k, t in
                                       bilingual_labels(self.g, statement, self.language).items()
                                       if k in LANGUAGES})
                resource.pop("rights", None)
                if rights and "rights" in resource_fields:
                    resource["rights"] = rights
                languages = []
                for obj in self.g.objects(node, DCTERMS.language):
                    code = v.language_code(str(obj))
                    if code and code not in languages:
                        languages.append(code)
                resource.pop("language", None)
                if languages and "language" in resource_fields:
                    resource["language"] = languages
            for key in ("issued", "modified"):
                if resource.get(key):
                    parsed = self.date(f"resources.{key}", resource[key])
                    if parsed and key in resource_fields:
                        resource[key] = parsed
                    else:
                        resource.pop(key)
            for key in ("access_url", "download_url", "license", "url"):
                value = str(resource.get(key) or "")
                if value and not value.lower().startswith(("http://", "https://", "ftp://")):
                    if key == "url":
                        continue
                    resource.pop(key)
            for key in ("documentation", "conforms_to"):
                resource.pop(key, None)
            if resource.get("access_url") and resource.get("access_url") == resource.get("url") \
                    and not resource.get("download_url"):
                resource.pop("access_url")  # the only address: it is the resource's URL

    def clean(self, fields: dict[str, Any]) -> None:
        """Extras that would clash with schema fields or were mapped above go."""
        d = self.d
        mapped = set(fields) | {"title", "notes", "contact_name", "contact_email", "contact_uri",
                                "temporal_start", "temporal_end", "spatial_uri", "spatial_text",
                                "spatial", "publisher_name", "publisher_email", "publisher_uri"}
        d["extras"] = [e for e in d.get("extras", []) if e.get("key") not in mapped]
        for field in ("conforms_to", "documentation"):
            if field in fields:
                values = [str(x) for x in _as_list(d.get(field) or _extra_list(d, field))
                          if str(x).lower().startswith(("http://", "https://"))]
                if values:
                    d[field] = values
                else:
                    d.pop(field, None)
            else:
                d.pop(field, None)
        url = str(d.get("url") or "")
        if url and not url.lower().startswith(("http://", "https://")):
            self.warning("url", url, tk._("Landing page is not a web address; dropped"))
            d.pop("url")
        for key in [k for k in d if k not in fields and k not in _ROOT_KEYS]:
            d.pop(key)


_ROOT_KEYS = {"type", "title", "notes", "tags", "extras", "resources", "publisher",
              "license_id", "url", "version", "name", "owner_org", "id",
              PARSE_ERRORS_KEY, PARSE_WARNINGS_KEY}


@functools.lru_cache(maxsize=4)
def _licenses(_source: str) -> tuple[dict[str, str], dict[str, str]]:
    """The portal's licences by URL and by lower-case title (cached per licence source)."""
    from ckan.model.license import LicenseRegister
    by_url, by_title = {}, {}
    for license_id, license in LicenseRegister().items():
        if license.url:
            by_url[license.url.rstrip("/")] = license_id
        by_title[license.title.casefold()] = license_id
    return by_url, by_title


def bilingual_labels(graph, node, default_language: str) -> dict[str, str]:
    """The labels of a resource (skos:prefLabel, rdfs:label, dct:title), by language."""
    labels: dict[str, str] = {}
    for predicate in (SKOS.prefLabel, RDFS.label, DCTERMS.title, v.FOAF.name):
        for obj in graph.objects(node, predicate):
            if isinstance(obj, Literal) and str(obj).strip():
                language = (normalize_language_tag(obj.language) if obj.language
                            else default_language)
                if language:
                    labels.setdefault(language, str(obj).strip())
    return labels


def _as_list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                loaded = json.loads(stripped)
                return loaded if isinstance(loaded, list) else [loaded]
            except ValueError:
                return [value]
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _date_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) \
        else str(value)


def _extra(dataset_dict: dict[str, Any], key: str) -> Any:
    for extra in dataset_dict.get("extras", []):
        if extra.get("key") == key:
            return extra.get("value")
    return None


def _extra_list(dataset_dict: dict[str, Any], key: str) -> list[Any]:
    return _as_list(_extra(dataset_dict, key))


__all__ = ["OgpCatalogProfile", "PARSE_ERRORS_KEY", "PARSE_WARNINGS_KEY"]
