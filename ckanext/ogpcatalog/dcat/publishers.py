"""Mapping a harvested dataset's publisher (dct:publisher) to one of the portal's institutions.

In order: the source's explicit ``publishers`` mapping, the legal identifier (``EC-RUC-...``,
``CO-NIT-...``, ``AR-CUIT-...`` or the bare number), the name (accent- and case-insensitive,
Spanish or English title, or the institution's short name). A publisher matching none of them
is *unknown*: the dataset goes to the source's institution and the job report says so, as a
*notice* (stored as an extra ``notice`` of the harvest object, never as a harvest error: a job
whose records all import cleanly has no errors, whatever its notices).
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import DCTERMS, FOAF, SKOS

from ckan import model

# The harvest object extra that holds a notice of the record (ckanext-harvest counts its error
# tables as failures; notices are not failures).
NOTICE_EXTRA = "notice"

ADMS = rdflib.Namespace("http://www.w3.org/ns/adms#")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
_SCHEMED_ID = re.compile(r"^([A-Za-z]{2}-[A-Za-z]+)[-:/ ](.+)$")


def fold(text: str) -> str:
    """Accent-, case- and punctuation-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", bare.casefold()).split())


def _digits(identifier: str) -> str:
    return re.sub(r"[\s.\-/]", "", identifier).upper()


@dataclass
class Publisher:
    """What the catalogue says about a dataset's publisher."""
    uri: str | None = None
    names: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return (self.names[0] if self.names else None) or self.uri or \
            (self.identifiers[0] if self.identifiers else "")

    def is_empty(self) -> bool:
        return not (self.uri or self.names or self.identifiers)


def publisher_from_graph(graph: rdflib.Graph, dataset_ref) -> Publisher:
    found = Publisher()
    for node in graph.objects(dataset_ref, DCTERMS.publisher):
        if isinstance(node, rdflib.URIRef):
            found.uri = found.uri or str(node)
        if isinstance(node, rdflib.Literal):
            found.names.append(str(node))
            continue
        for predicate in (FOAF.name, SKOS.prefLabel, VCARD.fn, rdflib.RDFS.label):
            for name in graph.objects(node, predicate):
                if str(name).strip() and str(name) not in found.names:
                    found.names.append(str(name).strip())
        for identifier in graph.objects(node, DCTERMS.identifier):
            found.identifiers.append(str(identifier).strip())
        for adms_id in graph.objects(node, ADMS.identifier):
            for notation in graph.objects(adms_id, SKOS.notation):
                found.identifiers.append(str(notation).strip())
            if isinstance(adms_id, rdflib.Literal):
                found.identifiers.append(str(adms_id).strip())
        break
    return found


@dataclass
class Match:
    org_id: str | None
    how: str  # "mapping", "legal_identifier", "name", "source" (unknown publisher), "none"


class PublisherIndex:
    """The portal's institutions, indexed by legal identifier and folded names."""

    def __init__(self, explicit: dict[str, str] | None = None):
        self.by_scheme_id: dict[tuple[str, str], str] = {}
        self.by_id: dict[str, set[str]] = {}
        self.by_name: dict[str, set[str]] = {}
        self.by_org_name: dict[str, str] = {}
        self._load()
        self.explicit: dict[str, str] = {}
        for key, org_name in (explicit or {}).items():
            org_id = self.by_org_name.get(org_name)
            if org_id:
                self.explicit[fold(key)] = org_id
                self.explicit[key.strip()] = org_id

    def _load(self) -> None:
        orgs = model.Session.query(model.Group.id, model.Group.name, model.Group.title,
                                   model.Group.extras) \
            .filter(model.Group.is_organization.is_(True)) \
            .filter(model.Group.state == "active").all()
        for org_id, name, title, extras in orgs:
            self.by_org_name[name] = org_id
            own = extras or {}
            names = {name, title or ""}
            translated = own.get("title_translated")
            if translated:
                try:
                    value = json.loads(translated)
                    if isinstance(value, dict):
                        names.update(v for v in value.values() if isinstance(v, str))
                except ValueError:
                    pass
            for n in names:
                if n and fold(n):
                    self.by_name.setdefault(fold(n), set()).add(org_id)
            identifier = own.get("legal_identifier")
            if identifier:
                digits = _digits(identifier)
                self.by_id.setdefault(digits, set()).add(org_id)
                scheme = (own.get("legal_identifier_scheme") or "").upper()
                if scheme:
                    self.by_scheme_id[(scheme, digits)] = org_id

    def _by_identifier(self, identifier: str) -> str | None:
        schemed = _SCHEMED_ID.match(identifier.strip())
        if schemed:
            org_id = self.by_scheme_id.get((schemed.group(1).upper(), _digits(schemed.group(2))))
            if org_id:
                return org_id
        candidates = self.by_id.get(_digits(identifier.rsplit("/", 1)[-1]), set())
        return next(iter(candidates)) if len(candidates) == 1 else None

    def resolve(self, publisher: Publisher, source_org_id: str | None) -> Match:
        if publisher.is_empty():
            return Match(source_org_id, "none")
        for key in [publisher.uri or "", *publisher.identifiers, *publisher.names]:
            if key and (key.strip() in self.explicit or fold(key) in self.explicit):
                return Match(self.explicit.get(key.strip()) or self.explicit[fold(key)],
                             "mapping")
        for identifier in publisher.identifiers:
            org_id = self._by_identifier(identifier)
            if org_id:
                return Match(org_id, "legal_identifier")
        for name in publisher.names:
            candidates = self.by_name.get(fold(name), set())
            if len(candidates) == 1:
                return Match(next(iter(candidates)), "name")
        return Match(source_org_id, "source")


def job_notices(job_id: str) -> list[dict[str, str]]:
    """The notices of a harvest job's records: ``{"guid", "message"}`` in guid order."""
    from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

    rows = model.Session.query(HarvestObject.guid, HarvestObjectExtra.value) \
        .join(HarvestObjectExtra, HarvestObjectExtra.harvest_object_id == HarvestObject.id) \
        .filter(HarvestObject.harvest_job_id == job_id, HarvestObjectExtra.key == NOTICE_EXTRA) \
        .order_by(HarvestObject.guid).all()
    return [{"guid": guid or "", "message": message or ""} for guid, message in rows]
