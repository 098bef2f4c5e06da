"""The Solr side of the schema fields (production runs Solr; see docker/).

CKAN's Solr schema indexes an unknown field as one string (``<dynamicField name="*"
type="string"/>``), and Solr refuses a document that gives such a field several values. The
index hook (index.py) writes codelist fields and references as lists, so those fields are
declared in the core's schema through Solr's Schema API, once per deployment:
``ckan ogpcatalog search solr-fields`` (run by the web container before it starts).
"""
from __future__ import annotations

from typing import Any

import requests


class SolrSchemaError(Exception):
    """Solr could not be read or refused the schema change; the message says which."""


def field_definition(name: str) -> dict[str, Any]:
    # As CKAN's `*` dynamic field (an exact string, indexed, not stored), but multi-valued.
    return {"name": name, "type": "string", "indexed": True, "stored": False, "multiValued": True}


def ensure_fields(solr_url: str, names: list[str], auth: tuple[str, str] | None = None,
                  timeout: float = 30) -> dict[str, list[str]]:
    """Declare ``names`` as multi-valued string fields in the Solr core at ``solr_url``.

    Fields already declared multi-valued are kept; single-valued ones are replaced; missing
    ones are added, all in one schema request (Solr applies it as a whole or not at all).

    :returns: ``{"added": [...], "replaced": [...], "kept": [...]}``
    :raises SolrSchemaError: Solr is unreachable or refuses the change.
    """
    base = solr_url.rstrip("/")
    try:
        response = requests.get(f"{base}/schema/fields", params={"wt": "json"}, auth=auth,
                                timeout=timeout)
        response.raise_for_status()
        existing = {f["name"]: f for f in response.json().get("fields", [])}
    except (requests.RequestException, ValueError) as error:
        raise SolrSchemaError(f"cannot read the Solr schema at {base}: {error}") from error
    result: dict[str, list[str]] = {"added": [], "replaced": [], "kept": []}
    for name in names:
        if name not in existing:
            result["added"].append(name)
        elif existing[name].get("multiValued"):
            result["kept"].append(name)
        else:
            result["replaced"].append(name)
    commands = {}
    if result["added"]:
        commands["add-field"] = [field_definition(n) for n in result["added"]]
    if result["replaced"]:
        commands["replace-field"] = [field_definition(n) for n in result["replaced"]]
    if not commands:
        return result
    try:
        response = requests.post(f"{base}/schema", json=commands, auth=auth, timeout=timeout)
        body = response.json() if response.content else {}
    except (requests.RequestException, ValueError) as error:
        raise SolrSchemaError(f"cannot change the Solr schema at {base}: {error}") from error
    if response.status_code >= 400 or body.get("errors") or body.get("error"):
        detail = body.get("errors") or body.get("error") or response.text[:300]
        raise SolrSchemaError(f"Solr refused the schema change ({response.status_code}): {detail}")
    return result


def solr_answers(url: str, timeout: float = 3) -> bool:
    """Whether the Solr core or collection at ``url`` answers its ping with status OK."""
    try:
        response = requests.get(f"{url}/admin/ping", params={"wt": "json"}, timeout=timeout)
        return response.json().get("status") == "OK"
    except (requests.RequestException, ValueError):
        return False
