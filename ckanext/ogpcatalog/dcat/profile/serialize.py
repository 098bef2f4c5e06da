"""Serialise: a dataset dict (or the catalogue) into triples of the `ogpcatalog` profile.

One literal per language (``@es``, ``@en``) for bilingual fields, the default language's tag on
single-language free text, codes of the EU authority tables as their URIs, the owner
institution as publisher, and the procurement and commitment fields in the vocabulary of
:mod:`ckanext.ogpcatalog.dcat.vocabulary` (``docs/vocabulary.md``). Works on the triples the
earlier profiles of the chain (``euro_dcat_ap_3``, ``euro_dcat_ap_scheming``) wrote.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import ckan.plugins.toolkit as tk
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS, XSD

from ckanext.dcat.profiles import RDFProfile
from ckanext.dcat.utils import catalog_uri, dataset_uri, publisher_uri_organization_fallback
from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.dcat import vocabulary as v
import ckanext.ogpcatalog.dcat.profile.dcat3 as dcat3
from ckanext.ogpcatalog.dcat.profile.common import (
    FILE_TYPE, LANGUAGES, Lookups, as_list, other_languages)
from ckanext.ogpcatalog.dcat.profile.uris import dataset_name_for_iri, source_iri
from ckanext.ogpcatalog.fields import bilingual

UNKNOWN_IPR = URIRef("http://purl.org/adms/licencetype/UnknownIPR")
DISTRIBUTION_STATUS = ("http://publications.europa.eu/resource/authority/distribution-status/",
                       frozenset({"COMPLETED", "DEPRECATED", "DEVELOP", "WITHDRAWN"}))
PLANNED_AVAILABILITY = ("http://publications.europa.eu/resource/authority/planned-availability/",
                        frozenset({"AVAILABLE", "EXPERIMENTAL", "STABLE", "TEMPORARY"}))
_STATUS_LABELS = {"COMPLETED": ("Completed", "Completado"),
                  "DEPRECATED": ("Deprecated", "Obsoleto"),
                  "DEVELOP": ("Under development", "En desarrollo"),
                  "WITHDRAWN": ("Withdrawn", "Retirado"),
                  "AVAILABLE": ("Available", "Disponible"),
                  "EXPERIMENTAL": ("Experimental", "Experimental"),
                  "STABLE": ("Stable", "Estable"), "TEMPORARY": ("Temporary", "Temporal")}
CONCEPT_LABELS = {base + code: {"en": en, "es": es}
                  for base, codes in (DISTRIBUTION_STATUS, PLANNED_AVAILABILITY)
                  for code in codes for en, es in [_STATUS_LABELS[code]]}
_IRI = re.compile(r"^(https?|urn):\S+$", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"^(https?|ftp)://\S+$", re.IGNORECASE)
# The properties the SEMIC shapes want an IRI (or blank node) of, that sources give as text.
IRI_ONLY = (DCTERMS.type, DCTERMS.isReferencedBy, v.ADMS.sample, DCAT.endpointDescription,
            DCAT.landingPage, v.FOAF.page, DCTERMS.conformsTo)
# The classes the SEMIC DCAT-AP 3.0.1 shapes want of the values (sh:class) of a dataset's,
# distribution's or data service's properties; the concepts also get a label (_conform).
VALUE_CLASSES = {
    DCTERMS.conformsTo: DCTERMS.Standard, DCTERMS["format"]: DCTERMS.MediaTypeOrExtent,
    DCAT.mediaType: DCTERMS.MediaType, DCAT.compressFormat: DCTERMS.MediaType,
    DCAT.packageFormat: DCTERMS.MediaType, DCTERMS.accessRights: DCTERMS.RightsStatement,
    DCTERMS.rights: DCTERMS.RightsStatement, DCAT.landingPage: v.FOAF.Document,
    v.FOAF.page: v.FOAF.Document, DCTERMS.language: DCTERMS.LinguisticSystem,
    DCTERMS.license: DCTERMS.LicenseDocument, DCTERMS.spatial: DCTERMS.Location,
    DCTERMS.temporal: DCTERMS.PeriodOfTime, DCAT.contactPoint: v.VCARD.Kind,
    DCTERMS.provenance: DCTERMS.ProvenanceStatement,
    DCTERMS.accrualPeriodicity: DCTERMS.Frequency, DCAT.theme: SKOS.Concept,
    DCTERMS.type: SKOS.Concept}
_FILE_TYPE_CODE = re.compile(r"^[A-Za-z0-9_]{1,20}$")


class Serializer:
    """Adds one dataset's (or the catalogue's) triples to the profile's graph."""

    def __init__(self, profile: RDFProfile, lookups: Lookups) -> None:
        self.profile = profile  # for ckanext-dcat's helpers (_add_mailto, _add_date_triple)
        self.g = profile.g
        self.lookups = lookups

    def dataset(self, dataset_dict: dict[str, Any], dataset_ref) -> None:
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
        for period in as_list(dataset_dict.get("temporal_coverage")):
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
                self._graph_source_iri(distribution, resource_dict)
                if license_ref is not None and not list(g.objects(distribution,
                                                                  DCTERMS.license)):
                    g.add((distribution, DCTERMS.license, license_ref))
        self._graph_other_languages(dataset_ref, dataset_dict)
        self._graph_source_iri(dataset_ref, dataset_dict)
        self._conform(dataset_ref, dataset_dict)
        dcat3.serialize(self, dataset_dict, dataset_ref)  # series, services, legislation, DQV

    def catalog(self, catalog_dict: dict[str, Any] | None, catalog_ref) -> None:
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
        for code in as_list(value):
            if isinstance(code, str) and code:
                self._add_authority(subject, predicate, codelist, code)

    def _add_period(self, subject, predicate, start: Any, end: Any) -> None:
        if not (start or end):
            return
        period = BNode()
        self.g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        for value, date_predicate in ((start, DCAT.startDate), (end, DCAT.endDate)):
            if value:
                self.profile._add_date_triple(period, date_predicate, _date_text(value))
        self.g.add((subject, predicate, period))

    def _graph_contacts(self, dataset_ref, contacts: Any, language: str) -> None:
        contacts = [c for c in as_list(contacts) if isinstance(c, dict) and any(c.values())]
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
                self.g.add((node, v.VCARD.hasEmail,
                            URIRef(self.profile._add_mailto(contact["email"]))))
            if contact.get("url"):
                self.g.add((node, v.VCARD.hasURL, URIRef(contact["url"])))

    def _graph_spatial(self, dataset_ref, places: Any, language: str) -> None:
        places = [p for p in as_list(places) if isinstance(p, dict) and any(p.values())]
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
        org = self.lookups.organization(organization.get("name") or organization.get("id")
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
            g.add((node, v.FOAF.mbox, URIRef(self.profile._add_mailto(org["email"]))))
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
            entity = self.lookups.organization(name)
            if not entity:
                return
            node = self._institution_ref(entity)
            self._graph_institution(node, entity, language)
        else:
            entity = self.lookups.group(name)
            if not entity:
                return
            node = URIRef(self._entity_uri("group", entity["name"]))
            self.g.add((node, RDF.type, v.OGPC.ActionPlan))
            self._add_bilingual(node, DCTERMS.title,
                                bilingual.loads(entity.get("title_translated"))
                                or {language: entity.get("title") or entity["name"]})
            self._graph_action_plan(node, entity)
        self.g.add((subject, predicate, node))

    def _graph_action_plan(self, node, plan: dict[str, Any]) -> None:
        """The action plan's own fields, so that a portal harvesting the commitment can create
        the plan it belongs to (the round trip loses nothing)."""
        if (node, v.OGPC.countryOrLocality, None) in self.g:
            return  # already written for another commitment of the catalogue
        g = self.g
        self._add_bilingual(node, DCTERMS.description, plan.get("description_translated") or {})
        self._add_bilingual(node, v.OGPC.coCreation, plan.get("co_creation") or {})
        for field, predicate in (("country_or_locality", v.OGPC.countryOrLocality),
                                 ("plan_scope", v.OGPC.planScope)):
            if plan.get(field):
                g.add((node, predicate, Literal(str(plan[field]))))
        if str(plan.get("plan_number") or "").isdigit():
            g.add((node, v.OGPC.planNumber,
                   Literal(int(plan["plan_number"]), datatype=XSD.positiveInteger)))
        self._add_period(node, DCTERMS.temporal, plan.get("period_start"), plan.get("period_end"))
        if str(plan.get("plan_url") or "").startswith(("http://", "https://")):
            g.add((node, v.FOAF.page, URIRef(plan["plan_url"])))

    def _graph_term(self, subject, term: v.Term, value: Any) -> None:
        if value in (None, "", [], {}):
            return
        g = self.g
        if term.kind == "bilingual":
            self._add_bilingual(subject, term.predicate, value)
        elif term.kind in ("codes", "texts"):
            for item in as_list(value):
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
        for total in as_list(data.get("total_values")):
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
        for supporter in as_list(data.get("supporting_institutions")):
            if not isinstance(supporter, dict) or not supporter.get("name"):
                continue
            node = BNode()
            g.add((node, RDF.type, v.FOAF.Organization))
            g.add((node, v.FOAF.name, Literal(supporter["name"], lang=language)))
            if supporter.get("kind"):
                g.add((node, v.OGPC.institutionKind, Literal(supporter["kind"])))
            g.add((dataset_ref, v.OGPC.supportingInstitution, node))
        for position, milestone in enumerate(as_list(data.get("milestones")), start=1):
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
            for name in as_list(milestone.get("evidence_datasets")):
                if name:
                    g.add((node, v.OGPC.evidenceDataset, self._dataset_ref(str(name))))
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
                if isinstance(obj, Literal):  # DCAT-AP 3: IRIs only (a web address kept)
                    g.remove((distribution, predicate, obj))
                    if _WEB_ADDRESS.match(str(obj).strip()):
                        g.add((distribution, predicate, URIRef(str(obj).strip())))
        # ckanext-dcat marks every licence "UnknownIPR" (a placeholder, and not a skos:Concept
        # with a label as DCAT-AP 3 wants): the licence type is optional, leave it out.
        for license_ref in g.objects(distribution, DCTERMS.license):
            g.remove((license_ref, DCTERMS.type, UNKNOWN_IPR))
        if not list(g.objects(distribution, DCAT.accessURL)):
            # DCAT-AP wants an access URL: the resource's address, else where the portal
            # describes the distribution (its resource page; docs/dcat-profile.md)
            url = str(resource_dict.get("url") or "").strip()
            if not _WEB_ADDRESS.match(url) and resource_dict.get("id"):
                url = tk.url_for("resource.read", id=resource_dict.get("package_id") or "",
                                 resource_id=resource_dict["id"], _external=True)
            if _WEB_ADDRESS.match(url):
                g.add((distribution, DCAT.accessURL, URIRef(url)))
        self._graph_kept_languages(distribution, resource_dict, (
            ("name", DCTERMS.title), ("description", DCTERMS.description)))

    def _graph_source_iri(self, subject, record: dict[str, Any]) -> None:
        """A dataset or distribution served under the portal's IRI because another record holds
        its source IRI (dcat/profile/uris.py) keeps that IRI as an ``adms:identifier``."""
        uri = source_iri(record, subject) if isinstance(subject, URIRef) else None
        if not uri:
            return
        identifier = BNode()
        self.g.add((identifier, RDF.type, v.ADMS.Identifier))
        self.g.add((identifier, SKOS.notation, Literal(uri, datatype=XSD.anyURI)))
        self.g.add((subject, v.ADMS.identifier, identifier))

    # languages the portal does not offer (parse.py keeps them in OTHER_LANGUAGES_EXTRA)

    def _graph_kept_languages(self, subject, record: dict[str, Any],
                              fields: tuple[tuple[str, Any], ...]) -> None:
        """The values of ``fields`` (field, predicate) in other languages, with their own tag;
        a display copy (a German-only title shown in the default language) is not served as
        that language: the literal keeps the tag it was harvested with."""
        kept = other_languages(record)
        for field, predicate in fields:
            values = kept["values"].get(field) or {}
            copied = kept["copied"].get(field)
            # the copies: of the portal's other language when it is kept, else of any
            copies = {k: value for k, value in values.items() if k in LANGUAGES} or values
            texts = {text for value in copies.values()
                     for text in (value if isinstance(value, list) else [value])}
            if copied:
                for obj in list(self.g.objects(subject, predicate)):
                    if isinstance(obj, Literal) and obj.language == copied \
                            and str(obj) in texts:
                        self.g.remove((subject, predicate, obj))
            for language, texts in values.items():
                for text in texts if isinstance(texts, list) else [texts]:
                    if isinstance(text, str) and text.strip():
                        self.g.add((subject, predicate, Literal(text, lang=language)))

    def _graph_other_languages(self, dataset_ref, dataset_dict: dict[str, Any]) -> None:
        """The title, description and keywords in the source's other languages."""
        self._graph_kept_languages(dataset_ref, dataset_dict, (
            ("title", DCTERMS.title), ("notes", DCTERMS.description), ("tags", DCAT.keyword)))

    # DCAT-AP 3.0.1 (SEMIC shapes) on whatever was stored

    def _conform(self, dataset_ref, dataset_dict: dict[str, Any]) -> None:
        """What harvested values would make invalid, written the way DCAT-AP 3 wants it:

        * ``dct:identifier`` is a literal (some catalogues give an IRI);
        * ``dct:source`` links datasets (IRIs): a free-text source (Argentina's data.json
          ``source``) is a provenance statement;
        * ``dct:description`` is mandatory: a dataset without one repeats its title, in each
          of the title's languages (no invented text; see docs/dcat-profile.md);
        * a distribution's ``adms:status`` and ``dcatap:availability`` are concepts of the EU
          vocabularies (at most one), not literals.
        """
        g = self.g
        agents = [a for p in (DCTERMS.publisher, DCTERMS.creator)
                  for a in g.objects(dataset_ref, p)]
        for subject in [dataset_ref, *agents]:
            for obj in list(g.objects(subject, DCTERMS.identifier)):
                if not isinstance(obj, Literal):
                    g.remove((subject, DCTERMS.identifier, obj))
                    g.add((subject, DCTERMS.identifier, Literal(str(obj))))
        for obj in list(g.objects(dataset_ref, DCTERMS.source)):
            # dct:source wants a dcat:Dataset described here; any other source is a
            # prov:wasDerivedFrom (an IRI) or a provenance statement (text).
            if isinstance(obj, URIRef) and (obj, RDF.type, DCAT.Dataset) in g:
                continue
            g.remove((dataset_ref, DCTERMS.source, obj))
            text = str(obj).strip()
            if _IRI.match(text):
                g.add((dataset_ref, v.PROV.wasDerivedFrom, URIRef(text)))
            elif text:
                self._add_provenance(dataset_ref, text)
        for concept in g.objects(dataset_ref, DCTERMS.type):
            if isinstance(concept, URIRef):
                self._describe_concept(concept)
        distributions = list(g.objects(dataset_ref, DCAT.distribution))
        services = [s for d in distributions for s in g.objects(d, DCAT.accessService)]
        for subject in [dataset_ref, *distributions, *services]:
            for predicate in IRI_ONLY:
                self._iri_values(subject, predicate)
        for obj in list(g.objects(dataset_ref, DCAT.hasVersion)):
            # dcat:hasVersion wants a dcat:Dataset described here; any other is dct:hasVersion
            if not (obj, RDF.type, DCAT.Dataset) in g:
                g.remove((dataset_ref, DCAT.hasVersion, obj))
                g.add((dataset_ref, DCTERMS.hasVersion, obj))
        for service in [dataset_ref, *services]:
            for served in list(g.objects(service, DCAT.servesDataset)):
                self._describe_served_dataset(service, served)
        for sample in g.objects(dataset_ref, v.ADMS.sample):
            if isinstance(sample, URIRef) and not list(g.objects(sample, DCAT.accessURL)):
                g.add((sample, DCAT.accessURL, sample))  # a sample found at its own IRI
            g.add((sample, RDF.type, DCAT.Distribution))
        if not list(g.objects(dataset_ref, DCTERMS.description)):
            for title in list(g.objects(dataset_ref, DCTERMS.title)):
                g.add((dataset_ref, DCTERMS.description, title))
        for distribution in g.objects(dataset_ref, DCAT.distribution):
            for predicate, authority in ((v.ADMS.status, DISTRIBUTION_STATUS),
                                         (v.DCATAP.availability, PLANNED_AVAILABILITY)):
                self._set_concept(distribution, predicate, authority)
        for subject in [dataset_ref, *distributions, *services]:
            self._type_values(subject)
        agents = [a for p in (DCTERMS.publisher, DCTERMS.creator)
                  for subject in [dataset_ref, *services] for a in g.objects(subject, p)]
        for agent in agents:  # an agent's dct:type (ADMS publisher type) is a skos:Concept
            for concept in g.objects(agent, DCTERMS.type):
                if isinstance(concept, URIRef):
                    self._describe_concept(concept)
        for service in services:
            self._merge_service_description(service)
        for kind in (v.FOAF.Agent, v.FOAF.Organization):
            for agent in list(g.subjects(RDF.type, kind)):
                if isinstance(agent, URIRef) and not list(g.objects(agent, v.FOAF.name)):
                    # an agent named only by its IRI (a creator, a service's publisher)
                    name = re.split(r"[/#]", str(agent).rstrip("/#"))[-1] or str(agent)
                    g.add((agent, v.FOAF.name, Literal(name)))

    def _describe_served_dataset(self, service, served) -> None:
        """dcat:servesDataset wants a described dcat:Dataset: a dataset of the portal is
        typed and named here (title and description, as in its own endpoint); a dataset the
        portal does not have stays linked as ``dct:relation``."""
        g = self.g
        if (served, RDF.type, DCAT.Dataset) in g:
            return
        name = dataset_name_for_iri(str(served)) if isinstance(served, URIRef) else None
        found = self.lookups.package(name) if name else None
        if not found:
            g.remove((service, DCAT.servesDataset, served))
            g.add((service, DCTERMS.relation, served))
            return
        g.add((served, RDF.type, DCAT.Dataset))
        title = found.get("title_translated") or {bilingual.default_language(): found["title"]}
        self._set_bilingual(served, DCTERMS.title, title)
        self._set_bilingual(served, DCTERMS.description,
                            found.get("notes_translated") or found.get("notes") or title)

    def _iri_values(self, subject, predicate) -> None:
        """``predicate`` takes IRIs only (``IRI_ONLY``): a literal that is a web address
        becomes one; any other literal is left out of the output (it stays stored)."""
        for obj in list(self.g.objects(subject, predicate)):
            if isinstance(obj, Literal):
                self.g.remove((subject, predicate, obj))
                if _WEB_ADDRESS.match(str(obj).strip()):
                    self.g.add((subject, predicate, URIRef(str(obj).strip())))

    def _merge_service_description(self, service) -> None:
        """An access service described inline by a distribution (ckanext-dcat's copy) and as a
        data service record of the portal is one node: the record's publisher (an institution
        of the portal) wins over the inline one (DCAT-AP: at most one), and an untagged text
        that repeats a tagged one of the node is the same text, written once."""
        g = self.g
        publishers = list(g.objects(service, DCTERMS.publisher))
        prefix = f"{catalog_uri().rstrip('/')}/organization/"
        institutions = [p for p in publishers if str(p).startswith(prefix)]
        if len(publishers) > 1 and institutions:
            for publisher in publishers:
                if publisher != institutions[0]:
                    g.remove((service, DCTERMS.publisher, publisher))
        for predicate in (DCTERMS.title, DCTERMS.description, DCAT.keyword):
            values = list(g.objects(service, predicate))
            tagged = {str(o) for o in values if isinstance(o, Literal) and o.language}
            for obj in values:
                if isinstance(obj, Literal) and not obj.language and obj.datatype is None \
                        and str(obj) in tagged:
                    g.remove((service, predicate, obj))

    def _type_values(self, subject) -> None:
        """The class the shapes want of each value of ``subject``'s properties
        (``VALUE_CLASSES``): a harvested value typed otherwise, or not at all, is given it
        (a theme of the source's own vocabulary is a skos:Concept, a conformsTo a
        dct:Standard...); literals are left to the mapping above."""
        g = self.g
        for predicate, value_class in VALUE_CLASSES.items():
            for value in list(g.objects(subject, predicate)):
                if isinstance(value, Literal) or (value, RDF.type, value_class) in g:
                    continue
                if value_class == SKOS.Concept:
                    if isinstance(value, URIRef):
                        self._describe_concept(value)
                    else:
                        labels = bilingual_labels_of(g, value)
                        if labels:
                            self._describe_concept(value, labels)
                else:
                    g.add((value, RDF.type, value_class))

    def _describe_concept(self, concept: URIRef, labels: dict[str, str] | None = None) -> None:
        """A skos:Concept with a label (DCAT-AP 3 wants both): the given labels, else its code."""
        g = self.g
        g.add((concept, RDF.type, SKOS.Concept))
        if not list(g.objects(concept, SKOS.prefLabel)):
            code = re.split(r"[/#]", str(concept).rstrip("/#"))[-1]
            for language, label in (labels or {"en": code.replace("_", " ").capitalize()}).items():
                g.add((concept, SKOS.prefLabel, Literal(label, lang=language or None)))

    def _add_provenance(self, subject, text: str) -> None:
        for statement in self.g.objects(subject, DCTERMS.provenance):
            if any(str(label) == text for label in self.g.objects(statement, RDFS.label)):
                return
        statement = BNode()
        self.g.add((statement, RDF.type, DCTERMS.ProvenanceStatement))
        self.g.add((statement, RDFS.label, Literal(text, lang=bilingual.default_language())))
        self.g.add((subject, DCTERMS.provenance, statement))

    def _set_concept(self, subject, predicate, authority: tuple[str, frozenset[str]]) -> None:
        """At most one value, an IRI of the EU table ``authority``; literals and other IRIs
        naming one of its codes (``Completed``, ``.../adms/status/Completed``) are mapped,
        the rest left out."""
        base, codes = authority
        found = None
        for obj in list(self.g.objects(subject, predicate)):
            self.g.remove((subject, predicate, obj))
            code = re.split(r"[/#]", str(obj).strip().rstrip("/"))[-1].upper().replace(" ", "_")
            if found is None and (str(obj).startswith(base) or code in codes) and code:
                found = URIRef(base + code)
        if found is not None:
            self.g.add((subject, predicate, found))
            self._describe_concept(found, CONCEPT_LABELS.get(str(found)))

    # URIs of the portal's entities

    def _institution_ref(self, org: dict[str, Any]) -> URIRef:
        """The institution's URI: the one ckanext-dcat gives an organization as publisher."""
        return URIRef(publisher_uri_organization_fallback({"organization": {"id": org["id"]}})
                      or self._entity_uri("organization", org["name"]))

    def _dataset_ref(self, name_or_id: str) -> URIRef:
        """The IRI a dataset of the portal is served under (its own endpoint's)."""
        found = self.lookups.package(name_or_id)
        return URIRef(dataset_uri(found)) if found else \
            URIRef(self._entity_uri("dataset", name_or_id))

    def _entity_uri(self, kind: str, name: str) -> str:
        return f"{catalog_uri().rstrip('/')}/{kind}/{name}"


def bilingual_labels_of(graph, node) -> dict[str, str]:
    """A blank node's labels (skos:prefLabel, rdfs:label) by language tag ("" untagged)."""
    labels: dict[str, str] = {}
    for predicate in (SKOS.prefLabel, RDFS.label):
        for obj in graph.objects(node, predicate):
            if isinstance(obj, Literal) and str(obj).strip():
                labels.setdefault(obj.language or "", str(obj).strip())
    return labels


def _date_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) \
        else str(value)
