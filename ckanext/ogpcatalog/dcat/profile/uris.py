"""The IRIs of the portal's datasets and distributions in its RDF output: one node per record.

ckanext-dcat names a dataset by its ``uri`` (the IRI it was harvested with) and a distribution
by the resource's ``uri``. Two records of the portal can hold the same IRI: two catalogues
describing one dataset, example files that reuse their distribution IRIs, a harvest source
deleted and its datasets kept while another source brings them again. Written under one
IRI, their triples merge into one node with two titles, two ``dct:modified``... which no
DCAT-AP consumer can take apart (SEMIC shapes: "More than 1 values").

So an IRI is served for the record that holds it first (the earliest created active dataset,
or resource); any later record holding the same IRI is served under the portal's own IRI
(``<catalogue>/dataset/<id>``, ``.../resource/<id>``, as for a record without ``uri``), and the
serializer keeps the source IRI as its ``adms:identifier`` (:func:`source_iri`). The choice
only depends on the stored records, so a dataset has the same IRI in its own endpoint and on
every catalogue page; the shared IRIs are read with one query per web request.

Wired by the plugin's ``IDCATURIGenerator`` implementation (ckanext-dcat's hook).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ckan import model
from ckanext.dcat.utils import catalog_uri

from ckanext.ogpcatalog.dcat.profile.common import request_cache

# The IRIs held by more than one active record, with the record that holds each first.
_SHARED_DATASET_URIS = sa.text(
    "SELECT uri, (array_agg(id ORDER BY metadata_created, id))[1] FROM ("
    "  SELECT extras ->> 'uri' AS uri, id, metadata_created FROM package"
    "  WHERE state = 'active' AND type <> 'harvest' AND extras ? 'uri') AS holders "
    "GROUP BY uri HAVING count(*) > 1")
_SHARED_RESOURCE_URIS = sa.text(
    "SELECT uri, (array_agg(id ORDER BY created, id))[1] FROM ("
    "  SELECT r.extras::jsonb ->> 'uri' AS uri, r.id, r.created FROM resource r"
    "  JOIN package p ON p.id = r.package_id"
    "  WHERE r.state = 'active' AND p.state = 'active' AND r.extras LIKE '%\"uri\"%')"
    "  AS holders WHERE uri IS NOT NULL GROUP BY uri HAVING count(*) > 1")


def _first_holders(kind: str) -> dict[str, str]:
    """{IRI: id of the record that holds it first} of the IRIs shared by records of ``kind``
    ("dataset" or "resource"); read once per web request (one query for a catalogue page)."""
    cache = request_cache("shared_uris")
    if kind not in cache:
        query = _SHARED_DATASET_URIS if kind == "dataset" else _SHARED_RESOURCE_URIS
        cache[kind] = {uri: first for uri, first in model.Session.execute(query)}
    return cache[kind]


def _source_uri(record: dict[str, Any]) -> str:
    uri = record.get("uri")
    if not uri:
        for extra in record.get("extras") or []:
            if isinstance(extra, dict) and extra.get("key") == "uri":
                uri = extra.get("value")
    return str(uri) if uri and uri != "None" else ""


def dataset_uri(dataset_dict: dict[str, Any], default_uri: str) -> str | None:
    """The portal's own IRI for a dataset whose source IRI an earlier dataset holds (or that
    names another dataset of the portal); None (ckanext-dcat's) otherwise."""
    uri, dataset_id = _source_uri(dataset_dict), dataset_dict.get("id")
    if not uri or uri != default_uri or not dataset_id:
        return None
    first = _first_holders("dataset").get(uri)
    if first in (None, dataset_id) and _own_dataset(uri) in (None, dataset_id):
        return None
    return f"{catalog_uri().rstrip('/')}/dataset/{dataset_id}"


def resource_uri(resource_dict: dict[str, Any], default_uri: str) -> str | None:
    """The portal's own IRI for a distribution whose source IRI an earlier resource holds
    (in any dataset, this one included); None (ckanext-dcat's) otherwise."""
    uri, resource_id = str(resource_dict.get("uri") or ""), resource_dict.get("id")
    if not uri or uri != default_uri or not resource_id:
        return None
    if _first_holders("resource").get(uri) in (None, resource_id):
        return None
    package_id = resource_dict.get("package_id") or ""
    return f"{catalog_uri().rstrip('/')}/dataset/{package_id}/resource/{resource_id}"


_DATASET_BY_URI = sa.text(
    "SELECT name FROM package WHERE extras ->> 'uri' = :uri AND state = 'active' "
    "AND type <> 'harvest' ORDER BY metadata_created, id LIMIT 1")


def _own_dataset(iri: str) -> str | None:
    """The id of the active dataset the portal serves at ``iri`` as its own
    (``<catalogue>/dataset/<id or name>``), else None."""
    prefix = f"{catalog_uri().rstrip('/')}/dataset/"
    key = iri[len(prefix):].strip("/") if iri.startswith(prefix) else ""
    if not key or "/" in key:
        return None
    package = model.Package.get(key)
    return package.id if package is not None and package.state == "active" else None


def dataset_name_for_iri(iri: str) -> str | None:
    """The name of the portal's dataset an IRI names: its own dataset at that IRI, else the
    dataset harvested with that IRI (the earliest). None: not on this portal."""
    if not iri:
        return None
    own = _own_dataset(iri)
    if own:
        return model.Package.get(own).name
    row = model.Session.execute(_DATASET_BY_URI, {"uri": iri}).first()
    return row[0] if row is not None else None


def source_iri(record: dict[str, Any], served_ref: Any) -> str | None:
    """The record's source IRI when it is served under another IRI (see the module)."""
    uri = _source_uri(record)
    return uri if uri and uri != str(served_ref) else None
