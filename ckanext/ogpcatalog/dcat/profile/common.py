"""What the parser and the serializer of the `ogpcatalog` profile share: the keys under which a
parse lists the values it could not keep, the languages, the EU file-type table, and the
portal's entities read once per profile instance."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.fields import bilingual

# The keys under which a parse lists what it could not keep; the harvester pops and reports them.
PARSE_ERRORS_KEY = "ogpcatalog_parse_errors"
PARSE_WARNINGS_KEY = "ogpcatalog_parse_warnings"
# The key under which a commitment's parse gives the action plan the portal does not have (its
# group fields); the harvester creates the plan, then imports the commitment.
ACTION_PLAN_KEY = "ogpcatalog_action_plan"
# The key under which a commitment's parse gives the evidence datasets of its milestones that
# the portal does not have yet, {"<milestone index>": [IRI, ...]}: the harvester links them at
# import, once the datasets of the same catalogue are in (commitments are imported last).
EVIDENCE_KEY = "ogpcatalog_evidence_refs"

# The extra holding values in languages the portal does not offer, by field, with their own
# language tag: {"values": {"title": {"de": "..."}}, "copied": {"title": "es"}} ("copied": the
# field's portal-language text is a display copy of that value, not a translation).
OTHER_LANGUAGES_EXTRA = "other_languages"

LANGUAGES = bilingual.LANGUAGES
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


def request_cache(name: str) -> dict[Any, Any]:
    """A dict that lives as long as the current web request (a catalogue page serialises up
    to 100 datasets, each with its own profile instance); outside a request, a fresh one."""
    from flask import g, has_app_context, has_request_context
    if not (has_request_context() and has_app_context()):
        return {}
    caches = g.setdefault("_ogpcatalog_dcat_cache", {})
    return caches.setdefault(name, {})


class Lookups:
    """The portal's institutions, action plans, dataset names and schemas, each read once per
    web request (a catalogue page, a dataset endpoint), else once per profile instance (one
    dataset's parse in a harvest)."""

    def __init__(self) -> None:
        self._organizations: dict[str, dict[str, Any] | None] = request_cache("organizations")
        self._groups: dict[str, dict[str, Any] | None] = request_cache("groups")
        self._packages: dict[str, dict[str, Any] | None] = request_cache("packages")
        self._schemas: dict[str, dict[str, Any] | None] = request_cache("schemas")

    def organization(self, name_or_id: Any) -> dict[str, Any] | None:
        return self._show(self._organizations, "organization_show", name_or_id,
                          include_extras=True)

    def group(self, name_or_id: Any) -> dict[str, Any] | None:
        return self._show(self._groups, "group_show", name_or_id)

    @staticmethod
    def _show(cache: dict[str, dict[str, Any] | None], action: str, name_or_id: Any,
              **options: Any) -> dict[str, Any] | None:
        """An organization or group without its datasets and users (None: not found)."""
        if not name_or_id:
            return None
        key = str(name_or_id)
        if key not in cache:
            try:
                cache[key] = tk.get_action(action)(
                    {"ignore_auth": True}, {"id": key, "include_datasets": False,
                                            "include_users": False, **options})
            except (tk.ObjectNotFound, tk.ValidationError):
                cache[key] = None
        return cache[key]

    def package(self, name_or_id: str) -> dict[str, Any] | None:
        if name_or_id not in self._packages:
            try:
                self._packages[name_or_id] = tk.get_action("package_show")(
                    {"ignore_auth": True}, {"id": name_or_id})
            except (tk.ObjectNotFound, tk.ValidationError):
                self._packages[name_or_id] = None
        return self._packages[name_or_id]

    def package_name(self, name_or_id: str) -> str | None:
        found = self.package(name_or_id)
        return found["name"] if found else None

    def schema(self, dataset_type: str) -> dict[str, Any] | None:
        if dataset_type not in self._schemas:
            try:
                self._schemas[dataset_type] = tk.get_action("scheming_dataset_schema_show")(
                    {}, {"type": dataset_type})
            except (KeyError, tk.ObjectNotFound):
                self._schemas[dataset_type] = None
        return self._schemas[dataset_type]


def as_list(value: Any) -> list[Any]:
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



def other_languages(dataset_dict: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The dataset's values in other languages (see ``OTHER_LANGUAGES_EXTRA``), never failing."""
    stored: Any = dataset_dict.get(OTHER_LANGUAGES_EXTRA)
    for extra in dataset_dict.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == OTHER_LANGUAGES_EXTRA:
            stored = extra.get("value")
    if isinstance(stored, str):
        try:
            stored = json.loads(stored)
        except ValueError:
            stored = None
    stored = stored if isinstance(stored, dict) else {}
    values = stored.get("values") if isinstance(stored.get("values"), dict) else {}
    copied = stored.get("copied") if isinstance(stored.get("copied"), dict) else {}
    return {"values": {k: v for k, v in values.items() if isinstance(v, dict)},
            "copied": {k: v for k, v in copied.items() if isinstance(v, str)}}
