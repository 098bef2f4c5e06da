"""`ogpcatalog_harvester`: ckanext-dcat's RDF harvester, hardened for ministries' catalogues.

What it adds to ``DCATRDFHarvester``:

* downloads only through :mod:`ckanext.ogpcatalog.dcat.fetch` (no private addresses, timeouts,
  byte limits, no automatic redirects) and parses only documents :mod:`.guards` accepted;
* per-source configuration (:mod:`.source_config`): format, profiles, default language,
  dataset type rules, publisher mapping (:mod:`.publishers`), limits, deletion policy;
* no mass deletion: an empty or broken answer, a failed page or a sudden drop below the
  deletion threshold deletes nothing; only the source's own harvested datasets are deleted;
* incremental: a record whose content hash has not changed is not imported again;
* a dry run (:meth:`OgpCatalogHarvester.plan`, wrapped by :mod:`.dry_run`) that computes the
  same plan as a harvest and writes nothing;
* each harvest object imported in one transaction under a lock on its identifier, so two
  consumers never create the same dataset twice.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import rdflib
import sqlalchemy as sa
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import plugins as lib_plugins

from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.processors import RDFParser
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.dcat import contexts, guards
from ckanext.ogpcatalog.dcat.datajson import STABLE_ID_PREFIX, datajson_to_graph
from ckanext.ogpcatalog.dcat.fetch import FetchError, _, check_url, fetch
from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.dcat.languages import harvest_language
import ckanext.ogpcatalog.dcat.profile.dcat3 as dcat3
from ckanext.ogpcatalog.dcat.profile import (
    ACTION_PLAN_KEY, PARSE_ERRORS_KEY, PARSE_WARNINGS_KEY)
from ckanext.ogpcatalog.dcat.profile.common import EVIDENCE_KEY
from ckanext.ogpcatalog.dcat.profile.uris import dataset_name_for_iri
from ckanext.ogpcatalog.dcat.publishers import (NOTICE_EXTRA, Publisher, PublisherIndex,
                                               publisher_from_graph)
from ckanext.ogpcatalog.dcat.source_config import (
    QUAD_FORMATS, ConfigError, SourceConfig, parse_config)
from ckanext.ogpcatalog.dcat.vocabulary import dataset_type_of, language_code_of_tag
from ckanext.ogpcatalog.upstream.harvest_config_errors import patch_harvest_config_validator
from ckanext.ogpcatalog.logic.validators import unsafe_url_scheme
from ckanext.ogpcatalog.upstream.stock_dcat_fetch import guard_stock_dcat_fetch

log = logging.getLogger(__name__)

HARVESTER_NAME = "ogpcatalog_dcat"
HASH_EXTRA = "content_hash"
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
# URL names CKAN's name validator refuses (they are routes): a title "Search" gets "search-2".
RESERVED_NAMES = frozenset({"new", "edit", "search"})
_OCDS_STANDARD = re.compile(r"^https?://standard\.open-contracting\.org(/|$)", re.IGNORECASE)
_OCDS_FORMAT = re.compile(r"(^|[^a-z])ocds([^a-z]|$)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"@@[^@\s]{1,80}@@")
DCAT_PROPERTY = {"theme": DCAT.theme, "keyword": DCAT.keyword,
                 "conformsTo": DCTERMS.conformsTo, "type": DCTERMS.type}


@dataclass
class Message:
    """A report line: English msgid + parameters, translated when shown or stored."""
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return _(self.msgid).format(**self.params)


def unknown_publisher_notice(publisher: Publisher, guid: str | None) -> Message:
    """The notice of a publisher that matches no institution (the dataset is imported into the
    source's institution: a notice, not an error)."""
    return Message(
        N_("Unknown publisher \"{publisher}\" for dataset {guid}: assigned to the source's "
           "institution. Add the institution (with its legal identifier) or a "
           "\"publishers\" mapping to the source."),
        {"publisher": publisher.label[:200], "guid": guid})


@dataclass
class PlannedRecord:
    guid: str | None
    title: str
    action: str  # create, update, unchanged, skip
    reason: Message | None = None
    dataset: dict[str, Any] | None = None
    content_hash: str | None = None
    package_id: str | None = None
    notices: list[Message] = field(default_factory=list)  # not errors: the record is imported


@dataclass
class Plan:
    records: list[PlannedRecord] = field(default_factory=list)
    deletions: list[tuple[str, str]] = field(default_factory=list)  # (guid, package_id)
    errors: list[Message] = field(default_factory=list)
    notices: list[Message] = field(default_factory=list)  # worth reading, but not errors
    fatal: bool = False
    complete: bool = True
    pages: int = 0

    def summary(self) -> dict[str, Any]:
        def rows(action: str) -> list[dict[str, Any]]:
            return [{"guid": r.guid, "title": r.title,
                     **({"reason": str(r.reason)} if r.reason else {}),
                     **({"type": r.dataset.get("type"), "owner_org": r.dataset.get("owner_org")}
                        if r.dataset else {})}
                    for r in self.records if r.action == action]
        return {
            "create": rows("create"), "update": rows("update"),
            "unchanged": rows("unchanged"), "skip": rows("skip"),
            "delete": [{"guid": guid, "package_id": pkg} for guid, pkg in self.deletions],
            "errors": [str(e) for e in self.errors],
            "notices": [str(n) for n in self.notices],
            "complete": self.complete, "fatal": self.fatal, "pages": self.pages,
        }


def _normalize_language(tag: Any) -> Any:
    """A language value as a code of the `language` codelist (``es-EC``, ``es``, ``spa`` and the
    EU authority URI all give ``SPA``); codes already in the codelist and unknown values are
    kept as they are."""
    if not isinstance(tag, str):
        return tag
    if tag in codelists.get("language"):
        return tag
    return language_code_of_tag(tag) or tag


def _rdflib_format(cfg: SourceConfig, content_type: str | None, content: bytes) -> str:
    if cfg.rdflib_format:
        return cfg.rdflib_format
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in ("text/turtle", "application/x-turtle", "text/n3"):
        return "turtle"
    if media in ("application/ld+json",):
        return "json-ld"
    if media in ("application/rdf+xml", "application/xml", "text/xml"):
        return "xml"
    if media == "application/n-triples":
        return "nt"
    head = content.lstrip()[:1]
    if head == b"<":
        return "xml"
    if head in (b"{", b"["):
        return "json-ld"
    return "turtle"


def _datajson_graph(data: Any, flavour: str, url: str,
                    notes: list[Message] | None = None) -> rdflib.Graph:
    found: list[tuple[str, dict[str, Any]]] = []
    try:
        graph = datajson_to_graph(data, flavour, notices=found)
    except ValueError as error:
        raise guards.GuardError(N_("The data.json catalogue at {url} cannot be used: {error}"),
                                url=url, error=str(error)[:300])
    if notes is not None:
        notes.extend(Message(msgid, params) for msgid, params in found)
    return graph


def parse_document(content: bytes, cfg: SourceConfig, content_type: str | None,
                   url: str, notes: list[Message] | None = None) -> rdflib.Graph:
    """Guard then parse one downloaded page into a graph.

    :param notes: receives the warnings about the page (remote JSON-LD contexts left out)
    :raises FetchError: refused or unparseable (message without content)
    """
    if cfg.datajson_flavour:
        guards.check_payload(content, cfg.format, url)
        return _datajson_graph(guards.load_json(content, url), cfg.datajson_flavour, url,
                               notes)
    fmt = _rdflib_format(cfg, content_type, content)
    guards.check_payload(content, fmt, url)
    graph = rdflib.Graph()
    data: Any = content
    if fmt in guards.JSONLD_FORMATS:
        localized = contexts.localize_contexts(guards.load_json(content, url))
        if localized.datajson_flavour:  # Project Open Data's context: a DCAT-US data.json
            return _datajson_graph(localized.data, localized.datajson_flavour, url, notes)
        for context in localized.unknown:
            if notes is not None:
                notes.append(Message(N_(
                    "The JSON-LD catalogue at {url} refers to the remote @context {context}, "
                    "which the harvester never downloads: the catalogue was read without it, "
                    "so the terms defined only there were left out. Embed the context in the "
                    "document or use full IRIs."), {"url": url, "context": context[:200]}))
        if contexts.has_remote_context(localized.data):  # never reached: localize removes all
            raise guards.GuardError(N_("The JSON-LD catalogue at {url} refers to a remote "
                                       "@context, which the harvester never downloads."), url=url)
        data = json.dumps(localized.data)  # rdflib takes a dict, not a list: always text
    try:
        if fmt in QUAD_FORMATS:  # several graphs: their triples as one (as ckanext-dcat)
            quads = rdflib.Dataset()
            quads.parse(data=data, format=fmt)
            for subject, predicate, obj, _graph in quads.quads((None, None, None, None)):
                graph.add((subject, predicate, obj))
        else:
            graph.parse(data=data, format=fmt)
    except Exception:  # rdflib has no common parse error; never echo its message (content)
        raise guards.GuardError(N_("The catalogue at {url} could not be read as {format}."),
                                url=url, format=fmt)
    return graph


def _next_page(graph: rdflib.Graph) -> str | None:
    for kind in (HYDRA.PartialCollectionView, HYDRA.PagedCollection):
        for node in graph.subjects(RDF.type, kind):
            for predicate in (HYDRA.next, HYDRA.nextPage):
                for target in graph.objects(node, predicate):
                    return str(target)
    return None


def _rule_values(graph: rdflib.Graph, ref, prop) -> list[str]:
    values = []
    for obj in graph.objects(ref, prop):
        values.append(str(obj))
        if not isinstance(obj, rdflib.Literal):
            for label_prop in (SKOS.prefLabel, RDFS.label, DCTERMS.title):
                values.extend(str(v) for v in graph.objects(obj, label_prop))
    return values


def dataset_type_for(graph: rdflib.Graph, ref, cfg: SourceConfig) -> str:
    """The source's type rules first, then the type the record declares with the portal's own
    classes (``ogpc:ProcurementDataset``...), then the source's ``dataset_type``; else a record
    declaring OCDS (:func:`declares_ocds`) is a procurement dataset, any other a dataset."""
    for rule in cfg.type_rules:
        if rule.matches(_rule_values(graph, ref, DCAT_PROPERTY[rule.field])):
            return rule.type
    return (dataset_type_of(graph, ref) or cfg.dataset_type
            or ("procurement" if declares_ocds(graph, ref) else "dataset"))


def declares_ocds(graph: rdflib.Graph, ref) -> bool:
    """Whether the record says it holds OCDS data: ``dct:conformsTo`` the Open Contracting Data
    Standard (on the dataset or a distribution), or an OCDS format or media type."""
    nodes = [ref, *graph.objects(ref, DCAT.distribution)]
    for node in nodes:
        for standard in graph.objects(node, DCTERMS.conformsTo):
            if _OCDS_STANDARD.search(str(standard)):
                return True
        for predicate in (DCTERMS["format"], DCAT.mediaType):
            for value in graph.objects(node, predicate):
                labels = [str(value), *(str(x) for x in graph.objects(value, RDFS.label))]
                if any(_OCDS_FORMAT.search(label) for label in labels):
                    return True
    return False


def content_hash(dataset: dict[str, Any]) -> str:
    payload = {k: v for k, v in dataset.items() if k not in ("name", "id")}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _title(dataset: dict[str, Any]) -> str:
    title = dataset.get("title")
    if not title and isinstance(dataset.get("title_translated"), dict):
        title = next((v for v in dataset["title_translated"].values() if v), "")
    return title if isinstance(title, str) else ""


def _is_harvest_source(data_dict: dict[str, Any]) -> bool:
    if data_dict.get("type") == "harvest" or data_dict.get("source_type"):
        return True
    if data_dict.get("type") or not isinstance(data_dict.get("id"), str):
        return False
    existing = model.Package.get(data_dict["id"])  # an update that leaves out the type
    return existing is not None and existing.type == "harvest"


_RESOURCE_ADDRESS_KEYS = ("url", "access_url", "download_url")


def _drop_unsafe_addresses(dataset: dict[str, Any], guid: str | None) -> list[Message]:
    """Leave out the distribution addresses a resource may not link to (``javascript:``,
    ``data:``...), which the resource schema refuses: the record is imported without them,
    with a notice, rather than refused whole."""
    notices = []
    for resource in dataset.get("resources") or ():
        for key in _RESOURCE_ADDRESS_KEYS:
            scheme = unsafe_url_scheme(resource.get(key))
            if scheme:
                resource[key] = ""
                notices.append(Message(N_(
                    "Dataset {guid}: the address of distribution \"{resource}\" starts with "
                    "{scheme}: and was left out (only http, https and ftp addresses are kept)."),
                    {"guid": guid or "-", "resource": str(resource.get("name") or "")[:200],
                     "scheme": scheme}))
    return notices


def check_source_url(data_dict: dict[str, Any]) -> None:
    """Refuse the URL of a new or updated harvest source of ANY type (ours, ckanext-dcat's stock
    ``dcat_rdf``...) that the guarded fetcher would refuse (called by the main plugin's chained
    ``package_create``/``package_update``: ckanext-harvest creates and updates sources through
    them). The downloads of every type go through the same guard
    (upstream/stock_dcat_fetch.py for the stock harvesters).

    :raises tk.ValidationError: on ``url``
    """
    if not _is_harvest_source(data_dict):
        return
    url = data_dict.get("url")
    if not isinstance(url, str) or not url.strip():
        return  # ckanext-harvest's own validators report the missing URL
    try:
        check_url(url, resolve_required=False)
    except FetchError as error:
        raise tk.ValidationError({"url": [str(error)]})


class OgpCatalogHarvester(DCATRDFHarvester):
    """The portal's DCAT harvester (source type ``ogpcatalog_dcat``)."""

    def __new__(cls, *args: Any, **kwargs: Any):
        # SingletonPlugin keeps its instance in `cls._instance`, which a subclass inherits from
        # the loaded `dcat_rdf_harvester`: keep our own instance.
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
            patch_harvest_config_validator()
            guard_stock_dcat_fetch()
        return cls._instance

    def info(self) -> dict[str, str]:
        return {
            "name": HARVESTER_NAME,
            "title": _("DCAT catalogue (protected)"),
            "description": _("Harvests a DCAT catalogue (RDF/XML, Turtle, JSON-LD or data.json) "
                             "with download limits, publisher mapping and protection against "
                             "mass deletion."),
        }

    # -- configuration -------------------------------------------------------------------

    def validate_config(self, source_config: str | None) -> str | None:
        try:
            parse_config(source_config)
        except ConfigError as error:
            raise ValueError(str(error))
        return source_config

    # -- planning (shared by gather and the dry run) -------------------------------------

    def plan(self, source: model.Package | Any, config_text: str | None,
             force: bool = False) -> Plan:
        """What a harvest of ``source`` would do; writes nothing.

        :param source: the harvest source (``id``, ``url``)
        """
        plan = Plan()
        try:
            cfg = parse_config(config_text)
        except ConfigError as error:
            plan.fatal = True
            plan.errors.append(Message(N_("The source configuration is invalid: {error}"),
                                       {"error": str(error)}))
            return plan
        for key in cfg.ignored:
            plan.errors.append(Message(N_("The option {key} of the source configuration does "
                                          "not apply to this harvester and was ignored."),
                                       {"key": key}))

        graphs = self._download(source.url, cfg, plan)
        if plan.fatal:
            return plan

        source_package = model.Package.get(source.id)
        source_org = source_package.owner_org if source_package else None
        parser = RDFParser(profiles=cfg.profiles)
        publishers = PublisherIndex(cfg.publishers)
        mine = self._current_objects(source.id)
        seen: set[str] = set()
        names_taken: set[str] = set()
        records: list[PlannedRecord] = []
        for graph in graphs:
            for ref in dcat3.harvest_refs(graph):  # series, datasets, data services
                records.append(self._plan_record(graph, ref, cfg, parser, publishers, source,
                                                 source_org, plan, mine, seen, names_taken,
                                                 force))
        plan.records = records
        self._check_conflicts(plan, source.id)
        # records linking to datasets of the same catalogue (a commitment's evidence) last
        plan.records.sort(key=lambda r: bool(r.dataset and r.dataset.get(EVIDENCE_KEY)))
        self._plan_deletions(plan, cfg, mine, seen)
        return plan

    def _download(self, url: str, cfg: SourceConfig, plan: Plan) -> list[rdflib.Graph]:
        graphs: list[rdflib.Graph] = []
        seen_urls: set[str] = set()
        seen_hashes: set[str] = set()
        deadline = time.monotonic() + cfg.timeout
        next_url: str | None = url
        while next_url:
            if plan.pages >= cfg.max_pages:
                plan.complete = False
                plan.errors.append(Message(
                    N_("The catalogue has more than {count} pages (max_pages): the harvest stopped "
                    "there and nothing was deleted."), {"count": cfg.max_pages}))
                break
            if next_url in seen_urls:
                break
            seen_urls.add(next_url)
            plan.pages += 1
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise FetchError(N_("Downloading {url} took longer than {seconds} seconds."),
                                     url=next_url, seconds=cfg.timeout)
                result = fetch(next_url, max_bytes=cfg.max_bytes, deadline=remaining)
                digest = hashlib.sha256(result.content).hexdigest()
                if digest in seen_hashes:  # a server answering every page with the same one
                    break
                seen_hashes.add(digest)
                notes: list[Message] = []
                graph = parse_document(result.content, cfg, result.content_type, next_url, notes)
                for note in notes:
                    if str(note) not in {str(e) for e in plan.errors}:
                        plan.errors.append(note)
            except FetchError as error:
                if plan.pages == 1:
                    plan.fatal = True
                    plan.errors.append(Message(
                        N_("{error} Nothing was imported or deleted."), {"error": str(error)}))
                else:
                    plan.complete = False
                    plan.errors.append(Message(
                        N_("Page {page} of the catalogue failed: {error} The datasets of the "
                        "earlier pages were imported; nothing was deleted."),
                        {"page": plan.pages, "error": str(error)}))
                break
            has_datasets = next(iter(graph.subjects(RDF.type, DCAT.Dataset)), None) is not None
            if not has_datasets and plan.pages == 1:
                plan.fatal = True
                plan.errors.append(Message(
                    N_("The catalogue at {url} lists no datasets: nothing was imported or deleted."),
                    {"url": next_url}))
                break
            graphs.append(graph)
            following = _next_page(graph)
            next_url = None
            if following:
                try:
                    next_url = urljoin(result.url, following)
                except ValueError:
                    next_url = None
        return graphs

    def _plan_record(self, graph, ref, cfg: SourceConfig, parser: RDFParser,
                     publishers: PublisherIndex, source, source_org: str | None, plan: Plan,
                     mine: dict[str, tuple[str, str | None]], seen: set[str],
                     names_taken: set[str], force: bool) -> PlannedRecord:
        dataset_type = dataset_type_for(graph, ref, cfg)
        dataset: dict[str, Any] = {}
        try:
            with harvest_language(cfg.default_language):
                for profile_class in parser._profiles:
                    profile_class(graph, dataset_type=dataset_type,
                                  compatibility_mode=False).parse_dataset(dataset, ref)
        except Exception as error:  # a profile choking on one record: skip it, keep the rest
            log.info("Record %s could not be read: %r", ref, error)
            return PlannedRecord(str(ref) if isinstance(ref, rdflib.URIRef) else None, "",
                                 "skip", Message(N_("The record {ref} could not be read and was "
                                                 "skipped."), {"ref": str(ref)[:200]}))
        dataset["type"] = dataset_type
        parse_errors = dataset.pop(PARSE_ERRORS_KEY, None) or []
        parse_warnings = dataset.pop(PARSE_WARNINGS_KEY, None) or []
        if parse_warnings:
            log.info("Record %s: %d parse warnings", ref, len(parse_warnings))
        guid = self._get_guid(dataset, source_url=None) if (
            dataset.get("uri") or self._get_dict_value(dataset, "identifier")) else None
        if not guid and isinstance(ref, rdflib.URIRef):
            guid = str(ref)
        title = _title(dataset)
        if guid:
            seen.add(guid)
        for problem in parse_errors:
            plan.errors.append(Message(
                N_("Dataset {guid}: a value of {field} could not be read and was left out "
                   "({message})."),
                {"guid": guid or str(ref)[:200], "field": str(problem.get("field", "?"))[:80],
                 "message": str(problem.get("message", ""))[:200]}))
        placeholder = _PLACEHOLDER.search(f"{ref} {guid or ''} {title}")
        if placeholder:  # an NTI-RISP-style template (@@URI-dataset@@) published as is
            return PlannedRecord(guid, title, "skip", Message(
                N_("The record {ref} is a template that was never filled in (placeholder "
                   "{placeholder}): it was skipped. Replace the template's placeholders "
                   "before publishing the catalogue."),
                {"ref": str(ref)[:200], "placeholder": placeholder.group(0)[:80]}))
        reason = guards.check_record(dataset, guid)
        if reason:
            return PlannedRecord(guid, title, "skip",
                                 Message(reason, {"guid": guid or "-", "title": title[:200]}))
        unsafe_addresses = _drop_unsafe_addresses(dataset, guid)
        dataset.setdefault("extras", [])
        dataset["extras"] = [e for e in dataset["extras"] if e.get("key") != "guid"]
        dataset["extras"].append({"key": "guid", "value": guid})
        if cfg.language_normalization and isinstance(dataset.get("language"), list):
            dataset["language"] = list(dict.fromkeys(
                _normalize_language(tag) for tag in dataset["language"]))

        publisher = publisher_from_graph(graph, ref)
        match = publishers.resolve(publisher, source_org)
        if match.org_id:
            dataset["owner_org"] = match.org_id
        notices = [unknown_publisher_notice(publisher, guid)] if match.how == "source" else []
        notices.extend(unsafe_addresses)
        if guid and STABLE_ID_PREFIX in guid:  # a data.json record without identifier
            notices.append(Message(N_(
                "The record \"{title}\" has no identifier: it was given {guid}, made from its "
                "landing page (or its content), so that the next harvest finds it again."),
                {"title": title[:200], "guid": guid}))
        plan.notices.extend(notices)

        digest = content_hash(dataset)
        record = PlannedRecord(guid, title, "create", dataset=dataset, content_hash=digest,
                               notices=notices)
        current = mine.get(guid)
        if current:
            record.package_id = current[0]
            record.action = "unchanged" if (current[1] == digest and not force) else "update"
        if record.action == "create":
            name = dataset.get("name") or self._gen_new_name(title)
            if not name:
                return PlannedRecord(guid, title, "skip", Message(
                    N_("No URL name could be made from the title of dataset {guid}; it was "
                    "skipped."), {"guid": guid}))
            base, suffix = name, 1
            while name in names_taken or name in RESERVED_NAMES:
                suffix += 1
                name = f"{base[:95]}-{suffix}"
            names_taken.add(name)
            dataset["name"] = name
        return record

    def _current_objects(self, source_id: str) -> dict[str, tuple[str, str | None]]:
        """guid -> (package id, content hash) of this source's current, imported datasets."""
        ho = HarvestObject
        rows = model.Session.query(ho.guid, ho.package_id, HarvestObjectExtra.value) \
            .join(model.Package, model.Package.id == ho.package_id) \
            .outerjoin(HarvestObjectExtra, sa.and_(HarvestObjectExtra.harvest_object_id == ho.id,
                                                   HarvestObjectExtra.key == HASH_EXTRA)) \
            .filter(ho.harvest_source_id == source_id, ho.current.is_(True),
                    model.Package.state == "active").all()
        found: dict[str, tuple[str, str | None]] = {}
        for guid, package_id, digest in rows:
            found[guid] = (package_id, digest)
        return found

    def _check_conflicts(self, plan: Plan, source_id: str) -> None:
        """Skip duplicate identifiers within the catalogue and those another source owns."""
        guids = [r.guid for r in plan.records if r.action != "skip" and r.guid]
        others: set[str] = set()
        for start in range(0, len(guids), 500):
            batch = guids[start:start + 500]
            others.update(g for (g,) in model.Session.query(HarvestObject.guid).filter(
                HarvestObject.guid.in_(batch), HarvestObject.current.is_(True),
                HarvestObject.harvest_source_id != source_id).distinct())
        first: set[str] = set()
        for record in plan.records:
            if record.action == "skip" or not record.guid:
                continue
            if record.guid in others:
                record.action = "skip"
                record.reason = Message(
                    N_("The dataset identifier {guid} is already harvested from another source: "
                    "neither source overwrites the other; the record was skipped."),
                    {"guid": record.guid})
            elif record.guid in first:
                record.action = "skip"
                record.reason = Message(
                    N_("The catalogue lists the dataset identifier {guid} more than once: only "
                    "the first record was imported."), {"guid": record.guid})
            else:
                first.add(record.guid)
        for record in plan.records:
            if record.action == "skip" and record.reason:
                plan.errors.append(record.reason)

    def _plan_deletions(self, plan: Plan, cfg: SourceConfig,
                        mine: dict[str, tuple[str, str | None]], seen: set[str]) -> None:
        if not plan.complete or plan.fatal:
            return
        gone = [(guid, pkg) for guid, (pkg, _digest) in mine.items() if guid not in seen]
        refusal = guards.check_deletions(len(mine), len(gone), cfg.deletion_threshold,
                                         cfg.allow_mass_deletion)
        if refusal:
            plan.errors.append(Message(refusal, {
                "count": len(gone), "existing": len(mine),
                "percent": round(cfg.deletion_threshold * 100)}))
            return
        plan.deletions = gone

    # -- the harvest stages --------------------------------------------------------------

    def gather_stage(self, harvest_job) -> list[str]:
        source = harvest_job.source
        plan = self.plan(source, source.config)
        for message in plan.errors:
            self._save_gather_error(str(message), harvest_job)
        if plan.fatal:
            return []
        objects = []
        for record in plan.records:
            if record.action not in ("create", "update"):
                continue
            obj = HarvestObject(guid=record.guid, job=harvest_job,
                                content=json.dumps(record.dataset),
                                extras=[HarvestObjectExtra(key=HASH_EXTRA,
                                                           value=record.content_hash)]
                                + [HarvestObjectExtra(key=NOTICE_EXTRA, value=str(notice))
                                   for notice in record.notices])
            model.Session.add(obj)
            objects.append(obj)
        for guid, package_id in plan.deletions:
            obj = HarvestObject(guid=guid, job=harvest_job, package_id=package_id,
                                extras=[HarvestObjectExtra(key="status", value="delete")])
            model.Session.query(HarvestObject).filter_by(
                guid=guid, harvest_source_id=source.id).update({"current": False}, False)
            model.Session.add(obj)
            objects.append(obj)
        model.Session.commit()
        log.info("Harvest of %s: %d to import, %d unchanged, %d skipped, %d to delete",
                 source.url, sum(r.action in ("create", "update") for r in plan.records),
                 sum(r.action == "unchanged" for r in plan.records),
                 sum(r.action == "skip" for r in plan.records), len(plan.deletions))
        return [obj.id for obj in objects]

    def fetch_stage(self, harvest_object) -> bool:
        return True

    def _existing_package_id(self, guid: str, source_id: str) -> str | None:
        row = model.Session.query(HarvestObject.package_id) \
            .join(model.Package, model.Package.id == HarvestObject.package_id) \
            .filter(HarvestObject.guid == guid, HarvestObject.harvest_source_id == source_id,
                    HarvestObject.state == "COMPLETE", model.Package.state == "active") \
            .order_by(HarvestObject.import_finished.desc().nullslast()).first()
        return row[0] if row else None

    def _lock(self, harvest_object) -> None:
        """Serialise imports of one identifier (advisory lock) and of one object (row lock)."""
        model.Session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                              {"key": f"ogpcatalog-harvest:{harvest_object.guid}"})
        model.Session.execute(sa.text("SELECT id FROM harvest_object WHERE id = :id FOR UPDATE"),
                              {"id": harvest_object.id})
        model.Session.refresh(harvest_object)

    def import_stage(self, harvest_object):
        self._lock(harvest_object)
        if harvest_object.current:
            model.Session.commit()
            return "unchanged"  # another consumer imported this very object already
        status = self._get_object_extra(harvest_object, "status")
        context: dict[str, Any] = {"user": self._get_user_name(), "ignore_auth": True}
        if status == "delete":
            try:
                tk.get_action("package_delete")(context.copy(), {"id": harvest_object.package_id})
            except tk.ObjectNotFound:
                model.Session.rollback()
            return True
        try:
            dataset = json.loads(harvest_object.content or "")
        except ValueError:
            model.Session.commit()
            self._save_object_error(_("The harvested record could not be read."),
                                    harvest_object, "Import")
            return False
        source_id = harvest_object.harvest_source_id
        existing_id = self._existing_package_id(harvest_object.guid, source_id)

        model.Session.query(HarvestObject).filter(
            HarvestObject.guid == harvest_object.guid,
            HarvestObject.harvest_source_id == source_id,
            HarvestObject.id != harvest_object.id,
        ).update({"current": False}, False)
        harvest_object.current = True

        package_plugin = lib_plugins.lookup_package_plugin(dataset.get("type"))
        context["return_id_only"] = True
        action_plan = dataset.pop(ACTION_PLAN_KEY, None)
        _link_evidence(dataset, dataset.pop(EVIDENCE_KEY, None), harvest_object)
        dcat3.link_records(dataset)  # series and served datasets imported before
        try:
            if isinstance(action_plan, dict):
                _ensure_action_plan(action_plan, context)
            if existing_id:
                existing = tk.get_action("package_show")(
                    {"ignore_auth": True, "for_update": True}, {"id": existing_id})
                dataset["id"] = existing["id"]
                dataset["name"] = existing["name"]
                by_uri = {r.get("uri"): r.get("id") for r in existing.get("resources", [])
                          if r.get("uri")}
                for resource in dataset.get("resources", []):
                    if resource.get("uri") in by_uri:
                        resource["id"] = by_uri[resource["uri"]]
                context["schema"] = package_plugin.update_package_schema()
                harvest_object.package_id = existing["id"]
                harvest_object.add()
                tk.get_action("package_update")(context, dataset)
            else:
                schema = package_plugin.create_package_schema()
                schema["id"] = [tk.get_validator("unicode_safe")]
                context["schema"] = schema
                dataset["id"] = str(uuid.uuid4())
                harvest_object.package_id = dataset["id"]
                harvest_object.add()
                model.Session.execute(
                    sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
                model.Session.flush()
                tk.get_action("package_create")(context, dataset)
        except tk.ValidationError as error:
            model.Session.rollback()
            self._save_object_error(
                _("The dataset {guid} was not imported: {errors}").format(
                    guid=harvest_object.guid, errors=_summary(error)),
                harvest_object, "Import")
            return False
        except Exception as error:  # keep the other objects going; nothing half-written
            model.Session.rollback()
            log.exception("Import of harvest object %s failed", harvest_object.id)
            self._save_object_error(
                _("The dataset {guid} was not imported because of an internal error "
                  "({error}).").format(guid=harvest_object.guid, error=type(error).__name__),
                harvest_object, "Import")
            return False
        model.Session.commit()
        return True


def _link_evidence(dataset: dict[str, Any], pending: Any, harvest_object) -> None:
    """The milestones' evidence datasets the parse could not find (``EVIDENCE_KEY``), found
    now that the catalogue's other datasets are imported; the ones still missing are left
    out with a notice on the record."""
    if not isinstance(pending, dict):
        return
    milestones = dataset.get("milestones")
    for index, iris in sorted(pending.items()):
        if not (str(index).isdigit() and isinstance(milestones, list)
                and int(index) < len(milestones) and isinstance(milestones[int(index)], dict)):
            continue
        milestone = milestones[int(index)]
        for iri in iris if isinstance(iris, list) else []:
            name = dataset_name_for_iri(str(iri))
            if name:
                linked = milestone.setdefault("evidence_datasets", [])
                if name not in linked:
                    linked.append(name)
                continue
            notice = Message(N_("Dataset {guid}: the evidence dataset {iri} of milestone "
                                "{milestone} is not on this portal; the link was left out."),
                             {"guid": harvest_object.guid or "-", "iri": str(iri)[:200],
                              "milestone": int(index) + 1})
            harvest_object.extras.append(HarvestObjectExtra(key=NOTICE_EXTRA,
                                                            value=str(notice)))


def _ensure_action_plan(plan: dict[str, Any], context: dict[str, Any]) -> None:
    """Create the action plan a harvested commitment belongs to when the portal does not have
    it (the other portal's own output describes it: dcat/profile/parse.py), in the import's
    transaction.

    :raises tk.ValidationError: the plan's fields are refused (the commitment is not imported)
    """
    if model.Group.get(plan.get("name")) is not None:
        return
    tk.get_action("group_create")(
        {"user": context["user"], "ignore_auth": True, "defer_commit": True},
        {**plan, "type": "action-plan"})


def _summary(error: tk.ValidationError) -> str:
    summary = error.error_summary or {}
    text = "; ".join(f"{key}: {value}" for key, value in summary.items())
    return text[:1000]
