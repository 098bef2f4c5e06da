"""Parse: one dataset of a DCAT graph into a dataset dict of the portal's schemas.

Language-tagged literals (any tag form) become ``{"es": ..., "en": ...}``, untagged ones are
in :func:`~ckanext.ogpcatalog.dcat.languages.current_default_language`; codes of the EU
authority tables become codes of the codelists; the portal's vocabulary goes back into the
schema fields and the dataset ``type``. Values that cannot be kept (a bad date, a code outside
the codelists) never raise: they are listed under ``PARSE_ERRORS_KEY`` and
``PARSE_WARNINGS_KEY`` of the dataset dict, which the harvester reads (and pops) to report.
"""
from __future__ import annotations

import datetime
import functools
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.model.license import LicenseRegister
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDFS, SKOS

from ckanext.dcat.profiles import RDFProfile
from ckanext.ogpcatalog.dcat import vocabulary as v
from ckanext.ogpcatalog.dcat.languages import (
    current_default_language, normalize_language_tag, portal_default_language)
import ckanext.ogpcatalog.dcat.profile.dcat3 as dcat3
from ckanext.ogpcatalog.dcat.profile.common import (
    ACTION_PLAN_KEY, EVIDENCE_KEY, FILE_TYPE, LANGUAGES, OTHER_LANGUAGES_EXTRA,
    PARSE_ERRORS_KEY, PARSE_WARNINGS_KEY, Lookups, as_list)
from ckanext.ogpcatalog.dcat.profile.uris import dataset_name_for_iri
from ckanext.ogpcatalog.fields import bilingual

_DATE_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$")
_TAG_OK = re.compile(r"^[\w \-.]+$", re.UNICODE)
# The fields whose values in languages the portal does not offer are kept (with their tag):
# the dataset's in its OTHER_LANGUAGES_EXTRA extra, a distribution's (name, description)
# under the same key of the resource.
KEPT_LANGUAGE_FIELDS = ("title", "notes")


class DatasetParser:
    """One dataset's parse: the state (errors, language, schema) of a single run."""

    def __init__(self, profile: RDFProfile, lookups: Lookups, dataset_dict: dict[str, Any],
                 ref):
        self.p = profile
        self.g = profile.g
        self.lookups = lookups
        self.d = dataset_dict
        self.ref = ref
        self.language = current_default_language()
        self.errors: list[dict[str, str]] = list(dataset_dict.get(PARSE_ERRORS_KEY) or [])
        self.other_languages: dict[str, dict[str, Any]] = {"values": {}, "copied": {}}
        self.warnings: list[dict[str, str]] = list(dataset_dict.get(PARSE_WARNINGS_KEY) or [])

    def error(self, field: str, value: Any, message: str) -> None:
        self.errors.append({"field": field, "value": str(value)[:200], "message": message})

    def warning(self, field: str, value: Any, message: str) -> None:
        self.warnings.append({"field": field, "value": str(value)[:200], "message": message})

    # values

    def bilingual(self, subject, predicate, field: str | None = None,
                  kept: dict[str, dict[str, Any]] | None = None,
                  kept_field: str | None = None) -> dict[str, str]:
        """``{"es": ..., "en": ...}`` from the literals. The values in other languages are
        kept with their own tag in ``kept`` (under ``kept_field``; by default the dataset's
        other languages, for the fields of ``KEPT_LANGUAGE_FIELDS``), else dropped; when there
        is no Spanish nor English text, one of them is also shown in the default language (a
        display copy, recorded as such; a warning says so)."""
        if kept is None and field in KEPT_LANGUAGE_FIELDS:
            kept, kept_field = self.other_languages, field
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
        if kept is not None and kept_field and others:
            kept["values"][kept_field] = dict(sorted(others.items()))
        if not found and others and field:
            language, text = sorted(others.items())[0]
            shown = self.language if self.language in LANGUAGES else portal_default_language()
            found[shown] = text
            if kept is not None and kept_field:  # a display copy: served with its own tag
                kept["copied"][kept_field] = shown
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
        schema = self.lookups.schema(dataset_type) or {}
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
        d["extras"] = [e for e in d.get("extras", []) if e.get("key") != OTHER_LANGUAGES_EXTRA]
        if self.other_languages["values"]:
            d["extras"].append({"key": OTHER_LANGUAGES_EXTRA,
                                "value": json.dumps(self.other_languages, ensure_ascii=False,
                                                    sort_keys=True)})
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
        self.derived_from()
        self.resources(schema)
        dcat3.parse(self, fields)  # series, services, legislation (DCAT-AP 3)
        self.clean(fields)
        d[PARSE_ERRORS_KEY] = self.errors
        d[PARSE_WARNINGS_KEY] = self.warnings
        return d

    def tags(self) -> list[dict[str, str]]:
        """Keywords in Spanish or English (untagged ones in the source's language); valid
        CKAN tag names only. Keywords in other languages are not tags (a tag is served in the
        portal's language): they are kept with their own tag in the other languages' extra."""
        names: list[str] = []
        others: dict[str, list[str]] = {}
        default = portal_default_language()
        for obj in sorted(self.g.objects(self.ref, DCAT.keyword), key=str):
            if not isinstance(obj, Literal):
                continue
            language = normalize_language_tag(obj.language) if obj.language else self.language
            if language != default and language in LANGUAGES:
                # a tag, served in the default language: its own language is kept beside it
                texts = {" ".join(k.split())[:100] for k in str(obj).split(",")}
                if not any(_keyword_in(self.g, self.ref, text, default) for text in texts):
                    for text in sorted(t for t in texts if t):
                        if text not in others.setdefault(language, []):
                            others[language].append(text)
            if language not in LANGUAGES:
                if language:
                    for keyword in str(obj).split(","):
                        keyword = " ".join(keyword.split())[:100]
                        if keyword and keyword not in others.setdefault(language, []):
                            others[language].append(keyword)
                continue
            for keyword in str(obj).split(","):
                keyword = " ".join(keyword.split())[:100]
                if len(keyword) < 2 or not _TAG_OK.match(keyword):
                    if keyword:
                        self.warning("tags", keyword, tk._("Keyword dropped: not a valid tag"))
                    continue
                if keyword not in names:
                    names.append(keyword)
        if others:
            self.other_languages["values"]["tags"] = dict(sorted(others.items()))
            if any(language in LANGUAGES for language in others):
                self.other_languages["copied"]["tags"] = default
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
                entity = (self.lookups.organization(key) if kind == "organization"
                          else self.lookups.group(key))
                local = entity["name"] if entity else None
            return local, names
        return None, {}

    def institution(self, predicate, field: str, name_predicate, name_field: str) -> None:
        """``field``: the institution of the portal the record refers to; else ``name_field``:
        its bilingual name (unless the record states that name itself)."""
        local, names = self.reference(predicate, "organization")
        if local:
            self.d[field] = local
        elif names and not self.g.value(self.ref, name_predicate):
            self.d[name_field] = names

    def period_fields(self, predicate, start_field: str, end_field: str) -> None:
        """The start and end of the record's periods under ``predicate`` (the last one wins)."""
        for period in self.g.objects(self.ref, predicate):
            start, end = self.period(period, start_field)
            if start:
                self.d[start_field] = start
            if end:
                self.d[end_field] = end

    def procurement(self) -> None:
        d = self.d
        self.institution(v.OGPC.buyer, "buyer", v.OGPC.buyerName, "buyer_name")
        self.period_fields(v.OGPC.processPeriod, "period_start", "period_end")
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
            described = self.action_plan(node, names) if node is not None else None
            if described:  # the harvester creates it before importing the commitment
                d["action_plan"] = described["name"]
                d[ACTION_PLAN_KEY] = described
            elif node is not None:
                self.error("action_plan", node,
                           tk._("The action plan is not on this portal"))
        self.institution(v.OGPC.leadInstitution, "lead_institution",
                         v.OGPC.leadInstitutionName, "lead_institution_name")
        self.period_fields(DCTERMS.temporal, "start_date", "end_date")
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
            datasets, pending = [], []
            for ref in self.g.objects(node, v.OGPC.evidenceDataset):
                name = dataset_name_for_iri(str(ref))
                if name:
                    datasets.append(name)
                else:  # maybe a dataset of the same catalogue: the harvester links it
                    pending.append(str(ref))
            if datasets:
                milestone["evidence_datasets"] = datasets
            if pending:
                milestone[EVIDENCE_KEY] = sorted(pending)
            position = self.literal(node, v.OGPC.position)
            milestones.append((int(position) if position and position.isdigit() else 0,
                               milestone))
        if milestones:
            d["milestones"] = [m for _, m in sorted(milestones, key=lambda item: item[0])]
            pending_refs = {str(index): milestone.pop(EVIDENCE_KEY)
                            for index, milestone in enumerate(d["milestones"])
                            if EVIDENCE_KEY in milestone}
            if pending_refs:
                d[EVIDENCE_KEY] = pending_refs

    def action_plan(self, node, names: dict[str, str]) -> dict[str, Any] | None:
        """The fields of an action plan the portal does not have, as the portal writes them
        (``Serializer._graph_action_plan``); None when the record does not describe it enough
        to create it (a name from its IRI, a title, the country and the scope)."""
        name = str(node).rstrip("/").rsplit("/", 1)[-1].lower() if isinstance(node, URIRef) \
            else ""
        country = self.literal(node, v.OGPC.countryOrLocality)
        scope = self.literal(node, v.OGPC.planScope)
        if not (re.match(r"^[a-z0-9_-]{2,100}$", name) and names and country and scope):
            return None
        plan: dict[str, Any] = {"name": name, "title_translated": names,
                                "country_or_locality": country, "plan_scope": scope}
        description = self.bilingual(node, DCTERMS.description)
        if description:
            plan["description_translated"] = description
        co_creation = self.bilingual(node, v.OGPC.coCreation)
        if co_creation:
            plan["co_creation"] = co_creation
        number = self.literal(node, v.OGPC.planNumber)
        if number and number.isdigit():
            plan["plan_number"] = int(number)
        for period in self.g.objects(node, DCTERMS.temporal):
            start, end = self.period(period, "action_plan")
            if start:
                plan["period_start"] = start
            if end:
                plan["period_end"] = end
        page = self.literal(node, v.FOAF.page)
        if page and page.startswith(("http://", "https://")):
            plan["plan_url"] = page
        return plan

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

    def derived_from(self) -> None:
        """prov:wasDerivedFrom (how the portal writes a source that is not a dataset of the
        catalogue) back into ckanext-dcat's ``source`` extra, next to any dct:source."""
        derived = [str(o) for o in self.g.objects(self.ref, v.PROV.wasDerivedFrom)
                   if isinstance(o, URIRef)]
        if not derived:
            return
        extras = self.d.setdefault("extras", [])
        current: list[str] = []
        for extra in [e for e in extras if e.get("key") == "source"]:
            current += [str(x) for x in as_list(extra.get("value"))]
            extras.remove(extra)
        extras.append({"key": "source",
                       "value": json.dumps(list(dict.fromkeys(current + derived)))})

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
            resource.pop(OTHER_LANGUAGES_EXTRA, None)
            if node is not None:
                kept: dict[str, dict[str, Any]] = {"values": {}, "copied": {}}
                for key, predicate in (("name", DCTERMS.title),
                                       ("description", DCTERMS.description)):
                    values = self.bilingual(node, predicate, f"resources.{key}", kept, key)
                    if values:
                        resource[key], shown = bilingual.pick(values, portal_default_language())
                        self.keep_resource_languages(kept, key, values, shown)
                if kept["values"]:
                    resource[OTHER_LANGUAGES_EXTRA] = json.dumps(kept, ensure_ascii=False,
                                                                 sort_keys=True)
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

    @staticmethod
    def keep_resource_languages(kept: dict[str, dict[str, Any]], key: str,
                                values: dict[str, str], shown: str | None) -> None:
        """A resource's name and description hold one language: the portal's other language
        is kept with its tag beside the other languages, and a text shown that is not in the
        default language is recorded as a display copy (never served relabelled)."""
        default = portal_default_language()
        if key in kept["copied"]:
            return  # already a display copy of a language the portal does not offer
        for language, text in values.items():
            if language != default:
                kept["values"].setdefault(key, {})[language] = text
        if shown and shown != default:
            kept["copied"][key] = default

    def clean(self, fields: dict[str, Any]) -> None:
        """Extras that would clash with schema fields or were mapped above go."""
        d = self.d
        mapped = set(fields) | {"title", "notes", "contact_name", "contact_email", "contact_uri",
                                "temporal_start", "temporal_end", "spatial_uri", "spatial_text",
                                "spatial", "publisher_name", "publisher_email", "publisher_uri"}
        d["extras"] = [e for e in d.get("extras", []) if e.get("key") not in mapped]
        for field in ("conforms_to", "documentation"):
            if field in fields:
                values = [str(x) for x in as_list(d.get(field) or _extra_list(d, field))
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
              "license_id", "url", "version", "name", "owner_org", "id", ACTION_PLAN_KEY,
              EVIDENCE_KEY,
              PARSE_ERRORS_KEY, PARSE_WARNINGS_KEY}


@functools.lru_cache(maxsize=4)
def _licenses(_source: str) -> tuple[dict[str, str], dict[str, str]]:
    """The portal's licences by URL and by lower-case title (cached per licence source)."""
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


def _keyword_in(graph, ref, text: str, language: str) -> bool:
    """Whether the dataset has the keyword ``text`` in ``language`` (or untagged)."""
    for obj in graph.objects(ref, DCAT.keyword):
        if isinstance(obj, Literal) and text in (" ".join(k.split())[:100]
                                                 for k in str(obj).split(",")):
            if not obj.language or normalize_language_tag(obj.language) == language:
                return True
    return False


def _extra(dataset_dict: dict[str, Any], key: str) -> Any:
    for extra in dataset_dict.get("extras", []):
        if extra.get("key") == key:
            return extra.get("value")
    return None


def _extra_list(dataset_dict: dict[str, Any], key: str) -> list[Any]:
    return as_list(_extra(dataset_dict, key))
