"""Applicable legislation (``dcatap:applicableLegislation``) and high-value dataset categories
(``dcatap:hvdCategory``) on datasets, series, data services and distributions (issue 20).

A record's legal basis in the RDF is the union of:

* its ``applicable_legislation`` field (IRIs: ELI where there is one);
* the legal basis of every publication obligation it fulfils (``metrics/obligations.py``: the
  obligation's ``legal_basis`` text, split at ``;``, e.g. ``LOTAIP art. 19; Ley Orgánica del
  Sistema Nacional de Contratación Pública``), read from the metrics facts. Each text becomes an
  IRI through the legislation table (``legislation.yaml`` beside this module, or the file of
  ``ckanext.ogpcatalog.dcat.legislation_file``); a text the table does not name gets the
  portal's own IRI ``<catalogue>/legislation/<slug>``, titled with the text;
* the HVD implementing regulation (ELI ``http://data.europa.eu/eli/reg_impl/2023/138/oj``)
  when the record has an HVD category (DCAT-AP HVD requires both together).

Each legal resource is typed ``eli:LegalResource`` (the SEMIC shapes check the class) and
titled. Distributions carry their dataset's legal basis. So an auditor harvesting the
catalogue sees, per dataset, the law that mandates it. On harvest, every
``dcatap:applicableLegislation`` IRI goes to ``applicable_legislation`` and the HVD categories
of the EU vocabulary to ``hvd_category`` (others are reported as warnings).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
import yaml
from ckanext.dcat.utils import catalog_uri
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.dcat import vocabulary as v
from ckanext.ogpcatalog.dcat.profile.common import as_list

ELI = Namespace("http://data.europa.eu/eli/ontology#")
HVD_REGULATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
HVD_BASE = "http://data.europa.eu/bna/"
HVD_REGULATION_TITLE = {
    "en": "Commission Implementing Regulation (EU) 2023/138 (high-value datasets)",
    "es": "Reglamento de Ejecución (UE) 2023/138 de la Comisión (conjuntos de datos de alto valor)",
}
DEFAULT_TABLE = Path(__file__).resolve().parent / "legislation.yaml"
FILE_KEY = "ckanext.ogpcatalog.dcat.legislation_file"


class LegislationTableError(ValueError):
    """The legislation table is malformed (names the file and the entry)."""


@functools.lru_cache(maxsize=8)
def _table(path: str) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    table: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(data.get("legislation") or [], start=1):
        if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
            raise LegislationTableError(f"{path}: entry {number} has no name")
        iri = str(entry.get("iri") or "").strip()
        if iri and not re.match(r"^https?://\S+$", iri):
            raise LegislationTableError(f"{path}: entry {number} has an invalid iri {iri!r}")
        title = entry.get("title") or {}
        if isinstance(title, str):
            title = {"es": title}
        table[_key(entry["name"])] = {"iri": iri, "title": dict(title),
                                      "name": str(entry["name"]).strip()}
    return table


def table() -> dict[str, dict[str, Any]]:
    """The legislation table: legal-basis text (case- and space-insensitive) -> IRI, title."""
    path = tk.config.get(FILE_KEY) or str(DEFAULT_TABLE)
    return _table(path)


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:100] or "ley"


def legal_resource(text: str) -> tuple[str, dict[str, str]]:
    """The IRI and title of one legal-basis text (see the module)."""
    entry = table().get(_key(text))
    title = (entry or {}).get("title") or {"es": " ".join(text.split())}
    iri = (entry or {}).get("iri") or \
        f"{catalog_uri().rstrip('/')}/legislation/{_slug((entry or {}).get('name') or text)}"
    return iri, title


def obligation_bases(package_id: str | None) -> list[str]:
    """The legal-basis texts of the obligations the dataset fulfils (from the metrics facts;
    none when the metrics tables are absent)."""
    if not package_id:
        return []
    try:
        exists = model.Session.execute(sa.text(
            "SELECT to_regclass('public.ogpcatalog_dataset_facts') IS NOT NULL "
            "AND to_regclass('public.ogpcatalog_obligation') IS NOT NULL")).scalar()
        if not exists:
            return []
        rows = model.Session.execute(sa.text(
            "SELECT o.legal_basis FROM ogpcatalog_dataset_facts f "
            "JOIN ogpcatalog_obligation o ON o.code = ANY(f.obligations) "
            "WHERE f.package_id = :id ORDER BY o.code"), {"id": package_id}).all()
    except sa.exc.SQLAlchemyError:
        model.Session.rollback()
        return []
    texts: list[str] = []
    for row in rows:
        for part in str(row.legal_basis or "").split(";"):
            part = " ".join(part.split())
            if part and part not in texts:
                texts.append(part)
    return texts


def legislation_of(dataset_dict: dict[str, Any]) -> dict[str, dict[str, str]]:
    """IRI -> title (empty: described elsewhere) of the record's legal basis."""
    found: dict[str, dict[str, str]] = {}
    for value in as_list(dataset_dict.get("applicable_legislation")):
        value = str(value).strip()
        if re.match(r"^https?://\S+$", value):
            found.setdefault(value, {})
    for text in obligation_bases(dataset_dict.get("id")):
        iri, title = legal_resource(text)
        found.setdefault(iri, title)
    if hvd_categories(dataset_dict):
        found.setdefault(HVD_REGULATION, HVD_REGULATION_TITLE)
    return found


def hvd_categories(dataset_dict: dict[str, Any]) -> list[str]:
    known = codelists.get("hvd-category")
    return [str(c) for c in as_list(dataset_dict.get("hvd_category")) if str(c) in known]


def serialize(serializer, dataset_dict: dict[str, Any], dataset_ref) -> None:
    g = serializer.g
    g.bind("dcatap", v.DCATAP)
    g.bind("eli", ELI)
    distributions = list(g.objects(dataset_ref, DCAT.distribution))
    for subject in [dataset_ref, *distributions]:
        # ckanext-dcat writes the fields as they are stored (codes as literals)
        g.remove((subject, v.DCATAP.hvdCategory, None))
        for obj in list(g.objects(subject, v.DCATAP.applicableLegislation)):
            if not isinstance(obj, URIRef):
                g.remove((subject, v.DCATAP.applicableLegislation, obj))
    legislation = legislation_of(dataset_dict)
    for iri, title in legislation.items():
        ref = URIRef(iri)
        g.add((ref, RDF.type, ELI.LegalResource))
        if title and not list(g.objects(ref, ELI.title)):
            for language, text in title.items():
                g.add((ref, ELI.title, Literal(text, lang=language)))
                g.add((ref, DCTERMS.title, Literal(text, lang=language)))
        for subject in [dataset_ref, *distributions]:
            g.add((subject, v.DCATAP.applicableLegislation, ref))
    for subject in [dataset_ref, *distributions]:
        for obj in g.objects(subject, v.DCATAP.applicableLegislation):
            g.add((obj, RDF.type, ELI.LegalResource))
    for code in hvd_categories(dataset_dict):
        ref = URIRef(HVD_BASE + code)
        g.add((dataset_ref, v.DCATAP.hvdCategory, ref))
        g.add((ref, RDF.type, SKOS.Concept))
        if not list(g.objects(ref, SKOS.prefLabel)):
            for language, label in codelists.get("hvd-category").get(code).label.items():
                g.add((ref, SKOS.prefLabel, Literal(label, lang=language)))


def parse(parser, fields: dict[str, Any]) -> None:
    d = parser.d
    if "applicable_legislation" in fields:
        values = [str(o) for o in parser.g.objects(parser.ref, v.DCATAP.applicableLegislation)
                  if isinstance(o, URIRef) and re.match(r"^https?://\S+$", str(o))]
        if values:
            d["applicable_legislation"] = list(dict.fromkeys(values))
        else:
            d.pop("applicable_legislation", None)
    else:
        d.pop("applicable_legislation", None)
    codes = []
    known = codelists.get("hvd-category")
    for obj in parser.g.objects(parser.ref, v.DCATAP.hvdCategory):
        text = str(obj).strip()
        code = text[len(HVD_BASE):] if text.startswith(HVD_BASE) else text
        if code in known:
            codes.append(code)
        elif "hvd_category" in fields:
            parser.warning("hvd_category", text, tk._(
                "Not one of the six high-value dataset categories; left out"))
    if codes and "hvd_category" in fields:
        d["hvd_category"] = list(dict.fromkeys(codes))
    else:
        d.pop("hvd_category", None)
