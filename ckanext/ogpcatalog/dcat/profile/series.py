"""DCAT-AP 3 dataset series (issue 20): ``dcat:DatasetSeries``, ``dcat:inSeries`` and the
navigation ``dcat:first`` / ``dcat:last`` (on the series) and ``dcat:prev`` / ``dcat:next`` (on
each release).

A series is a record of type ``dataset_series`` (schemas/dataset_series.yaml); a release names
it in its ``in_series`` field (the series' name, or the IRI of a series elsewhere). The order of
the releases is never stored: it is computed when the RDF is written, from each public release's
temporal coverage (the earliest start), else its release date (``issued``), else its creation,
so that adding the 2025 release makes it the series' ``dcat:last`` and the 2024 release's
``dcat:next`` with no other edit. On harvest, ``dcat:inSeries`` comes back into ``in_series``
(the series' IRI, or its name when the portal already holds it); the navigation is recomputed.

A series is written as ``dcat:DatasetSeries`` *and* ``dcat:Dataset`` (DCAT 3 makes the first a
subclass of the second; the SEMIC shapes check the catalogue's ``dcat:dataset`` values by class
without inference). A release's own graph describes its series (type, title, description), as
the shapes want of every ``dcat:inSeries`` value.
"""
from __future__ import annotations

import datetime
import re
from typing import Any

import ckan.model as model
import sqlalchemy as sa
from ckanext.dcat.utils import dataset_uri
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from ckanext.ogpcatalog.dcat.profile.common import as_list
from ckanext.ogpcatalog.fields import bilingual

SERIES_TYPE = "dataset_series"
_IRI = re.compile(r"^https?://\S+$", re.IGNORECASE)


def package_uri(package: model.Package) -> URIRef:
    """The RDF URI of a package of the portal (the one ckanext-dcat gives it)."""
    extras = package.extras or {}
    created = package.metadata_created.isoformat() if package.metadata_created else None
    return URIRef(dataset_uri({"id": package.id, "uri": extras.get("uri") or None,
                               "metadata_created": created}))


def find_package(ref: str, wanted_type: str | None = None) -> model.Package | None:
    """A public, active package by name or id, or by the IRI it was harvested from (its
    ``guid`` or ``uri`` extra) or its own URI (``.../dataset/<id>``)."""
    package = None
    if not _IRI.match(ref):
        package = model.Package.get(ref)
    else:
        row = model.Session.execute(sa.text(
            "SELECT id FROM package WHERE state = 'active' AND type <> 'harvest' AND "
            "(extras->>'guid' = :ref OR extras->>'uri' = :ref) LIMIT 1"), {"ref": ref}).first()
        if row is None and "/dataset/" in ref:
            package = model.Package.get(ref.rstrip("/").rsplit("/", 1)[-1])
            if package is not None and str(package_uri(package)) != ref:
                package = None
        elif row is not None:
            package = model.Package.get(row.id)
    if package is None or package.state != "active" or package.private:
        return None
    if wanted_type and package.type != wanted_type:
        return None
    return package


def _order_key(temporal: Any, issued: Any, created: Any) -> str:
    starts = [str(p.get("start")) for p in as_list(temporal)
              if isinstance(p, dict) and p.get("start")]
    if starts:
        return min(starts)[:10]
    if issued:
        return str(issued)[:10]
    if isinstance(created, (datetime.date, datetime.datetime)):
        return created.date().isoformat() if isinstance(created, datetime.datetime) \
            else created.isoformat()
    return "9999"


def releases(series: model.Package) -> list[model.Package]:
    """The public releases of a series, oldest first (see the module)."""
    refs = [series.name, series.id, str(package_uri(series))]
    extras = series.extras or {}
    refs += [str(extras[key]) for key in ("guid", "uri") if extras.get(key)]
    rows = model.Session.execute(sa.text(
        "SELECT id, name, extras->>'temporal_coverage' AS temporal, extras->>'issued' AS issued, "
        "metadata_created FROM package "
        "WHERE state = 'active' AND NOT private AND type NOT IN ('harvest', :series_type) "
        "AND coalesce(extras->>'in_series', '') LIKE '[%' "
        "AND CAST(extras->>'in_series' AS jsonb) ?| CAST(:refs AS text[])"),
        {"refs": refs, "series_type": SERIES_TYPE}).all()
    ordered = sorted(rows, key=lambda r: (_order_key(r.temporal, r.issued, r.metadata_created),
                                          r.name))
    packages = [model.Package.get(row.id) for row in ordered]
    return [p for p in packages if p is not None]


def _describe(serializer, ref: URIRef, package: model.Package | None, fallback: str) -> None:
    """Type, title and description of a record another one links to (the SEMIC shapes check
    the linked node in the linking record's own graph)."""
    g = serializer.g
    if (ref, DCTERMS.title, None) in g:
        return
    if package is not None:
        extras = package.extras or {}
        title = bilingual.loads(extras.get("title_translated")) or package.title or package.name
        notes = bilingual.loads(extras.get("notes_translated")) or package.notes or title
    else:  # a record elsewhere, named by its IRI only
        title = notes = re.split(r"[/#]", fallback.rstrip("/#"))[-1] or fallback
    serializer._set_bilingual(ref, DCTERMS.title, title)
    serializer._set_bilingual(ref, DCTERMS.description, notes)


def describe_series(serializer, ref: URIRef, package: model.Package | None,
                    fallback: str) -> None:
    serializer.g.add((ref, RDF.type, DCAT.DatasetSeries))
    serializer.g.add((ref, RDF.type, DCAT.Dataset))
    _describe(serializer, ref, package, fallback)


def describe_dataset(serializer, ref: URIRef, package: model.Package | None,
                     fallback: str) -> None:
    serializer.g.add((ref, RDF.type, DCAT.Dataset))
    _describe(serializer, ref, package, fallback)


def serialize(serializer, dataset_dict: dict[str, Any], dataset_ref) -> None:
    """The series' navigation, or a release's series and neighbours (see the module)."""
    g = serializer.g
    for predicate in (DCAT.inSeries, DCAT.first, DCAT.last, DCAT.prev, DCAT.next):
        g.remove((dataset_ref, predicate, None))  # ckanext-dcat's, from ids only
    if dataset_dict.get("type") == SERIES_TYPE:
        g.add((dataset_ref, RDF.type, DCAT.DatasetSeries))
        g.add((dataset_ref, RDF.type, DCAT.Dataset))
        g.remove((dataset_ref, DCAT.distribution, None))
        series = model.Package.get(dataset_dict.get("id") or dataset_dict.get("name") or "")
        members = releases(series) if series is not None else []
        if members:
            for predicate, member in ((DCAT.first, members[0]), (DCAT.last, members[-1])):
                ref = package_uri(member)
                g.add((dataset_ref, predicate, ref))
                describe_dataset(serializer, ref, member, str(ref))
        return
    for value in as_list(dataset_dict.get("in_series")):
        value = str(value).strip()
        if not value:
            continue
        series = find_package(value, SERIES_TYPE)
        if series is None and not _IRI.match(value):
            continue  # a series of the portal gone private or deleted
        series_ref = package_uri(series) if series is not None else URIRef(value)
        g.add((dataset_ref, DCAT.inSeries, series_ref))
        describe_series(serializer, series_ref, series, value)
        if series is None:
            continue
        members = releases(series)
        ids = [m.id for m in members]
        if dataset_dict.get("id") in ids:
            position = ids.index(dataset_dict["id"])
            if position > 0:
                prev_ref = package_uri(members[position - 1])
                g.add((dataset_ref, DCAT.prev, prev_ref))
                describe_dataset(serializer, prev_ref, members[position - 1], str(prev_ref))
            if position + 1 < len(members):
                next_ref = package_uri(members[position + 1])
                g.add((dataset_ref, DCAT.next, next_ref))
                describe_dataset(serializer, next_ref, members[position + 1], str(next_ref))


def link_names(values: Any, wanted_type: str | None) -> list[str] | None:
    """IRIs replaced by the names of the portal's records harvested with them (at import,
    when the records of the same catalogue imported before are there); None: nothing to do."""
    items = [str(v) for v in as_list(values) if str(v).strip()]
    if not any(_IRI.match(v) for v in items):
        return None
    linked = []
    for value in items:
        package = find_package(value, wanted_type) if _IRI.match(value) else None
        name = package.name if package is not None else value
        if name not in linked:
            linked.append(name)
    return linked


def parse(parser, fields: dict[str, Any]) -> None:
    """``in_series`` from ``dcat:inSeries``: the series' name where the portal holds it (by
    the IRI it was harvested from or its own URI), else the IRI."""
    if "in_series" not in fields:
        parser.d.pop("in_series", None)
        return
    values = []
    for obj in parser.g.objects(parser.ref, DCAT.inSeries):
        if not isinstance(obj, URIRef):
            continue
        series = find_package(str(obj), SERIES_TYPE)
        value = series.name if series is not None else str(obj)
        if value not in values:
            values.append(value)
    if values:
        parser.d["in_series"] = values
    else:
        parser.d.pop("in_series", None)

