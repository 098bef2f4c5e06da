"""Per-source configuration of the `ogpcatalog_harvester` (the harvest source's ``config`` JSON).

Configurations written for ckanext-dcat's ``dcat_rdf`` harvester keep working:
``rdf_format`` is an alias of ``format`` and takes what ckanext-dcat takes (any rdflib parser,
by plugin name such as ``turtle`` or ``nt`` or by media type such as ``text/turtle`` or
``application/rdf+xml``); ``profiles`` may be a list or a space-separated string; the generic
options of ckanext-harvest's harvesters that the ``dcat_rdf`` harvester silently ignores are
accepted and ignored (:attr:`SourceConfig.ignored`, reported by each harvest as a notice).

Example::

    {"format": "turtle", "default_language": "es", "dataset_type": "dataset",
     "type_rules": [{"field": "conformsTo", "contains": "ocds", "type": "procurement"}],
     "max_pages": 20, "max_bytes": 52428800, "timeout": 120,
     "deletion_threshold": 0.2, "allow_mass_deletion": false}

:func:`parse_config` turns the JSON into a :class:`SourceConfig` or raises
:class:`ConfigError` naming the offending key.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from ckanext.ogpcatalog.dcat.fetch import _
from ckanext.ogpcatalog.language import N_
from ckanext.ogpcatalog.dcat.languages import normalize_language_tag

FORMATS = {
    # key: (rdflib format or None for data.json, data.json flavour)
    "rdf/xml": ("xml", None),
    "xml": ("xml", None),
    "turtle": ("turtle", None),
    "json-ld": ("json-ld", None),
    "n-triples": ("nt", None),
    "n3": ("n3", None),
    # formats of several graphs: their triples are read as one graph (as ckanext-dcat does)
    "trig": ("trig", None),
    "n-quads": ("nquads", None),
    "trix": ("trix", None),
    "hext": ("hext", None),
    "datajson-argentina": (None, "argentina"),
    "datajson-us": (None, "dcat-us"),
}
# The other names of the formats: rdflib's parser names and media types, which ckanext-dcat's
# ``rdf_format`` takes (its validate_config accepts any name of an rdflib parser).
FORMAT_ALIASES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "ttl": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-triples": "n-triples",
    "nt": "n-triples",
    "nt11": "n-triples",
    "ntriples": "n-triples",
    "text/n3": "n3",
    "application/trig": "trig",
    "application/n-quads": "n-quads",
    "nquads": "n-quads",
    "application/trix": "trix",
}
QUAD_FORMATS = {"trig", "nquads", "trix", "hext"}
DEFAULT_PROFILES = ["euro_dcat_ap_3", "euro_dcat_ap_scheming", "ogpcatalog"]
DATASET_TYPES = ("dataset", "procurement", "commitment")
RULE_FIELDS = ("theme", "keyword", "conformsTo", "type")
KNOWN_KEYS = {
    "format", "profiles", "default_language", "language_normalization", "dataset_type",
    "type_rules", "publishers", "max_pages", "max_bytes", "timeout", "allow_mass_deletion",
    "deletion_threshold",
}
# ckanext-harvest's generic harvester options (ckan harvester: default_tags, remote_orgs...):
# ckanext-dcat's dcat_rdf harvester ignores them without a word; so does this harvester, with
# a notice in each harvest's report.
IGNORED_KEYS = {
    "api_key", "api_version", "clean_tags", "default_extras", "default_groups", "default_tags",
    "force_all", "organizations_filter_exclude", "organizations_filter_include",
    "override_extras", "read_only", "remote_groups", "remote_orgs", "user",
}
DEFAULT_MAX_PAGES = 50
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_TIMEOUT = 120
DEFAULT_DELETION_THRESHOLD = 0.5


class ConfigError(ValueError):
    """A configuration value refused; ``field`` names the key."""

    def __init__(self, field_name: str, message: str, **params: Any):
        self.field = field_name
        self.message = message
        self.params = params
        super().__init__(f"{field_name}: {message}")

    def __str__(self) -> str:
        return "{}: {}".format(self.field, _(self.message).format(**self.params))


@dataclass
class TypeRule:
    field: str
    contains: str
    type: str

    def matches(self, values: list[str]) -> bool:
        needle = self.contains.casefold()
        return any(needle in v.casefold() for v in values)


@dataclass
class SourceConfig:
    format: str | None = None
    profiles: list[str] = field(default_factory=lambda: list(DEFAULT_PROFILES))
    default_language: str = "es"
    language_normalization: bool = True
    dataset_type: str | None = None
    type_rules: list[TypeRule] = field(default_factory=list)
    # Explicit publisher mapping: publisher name, URI or legal identifier -> institution name.
    publishers: dict[str, str] = field(default_factory=dict)
    max_pages: int = DEFAULT_MAX_PAGES
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: int = DEFAULT_TIMEOUT
    allow_mass_deletion: bool = False
    deletion_threshold: float = DEFAULT_DELETION_THRESHOLD
    # keys of the configuration that do not apply here (IGNORED_KEYS), sorted
    ignored: list[str] = field(default_factory=list)

    @property
    def rdflib_format(self) -> str | None:
        return FORMATS[self.format][0] if self.format else None

    @property
    def datajson_flavour(self) -> str | None:
        return FORMATS[self.format][1] if self.format else None


def _int(data: dict, key: str, default: int, minimum: int, maximum: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(key, N_("must be a whole number."))
    if not minimum <= value <= maximum:
        raise ConfigError(key, N_("must be between {minimum} and {maximum}."),
                          minimum=minimum, maximum=maximum)
    return value


def _bool(data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(key, N_("must be true or false."))
    return value


def _language(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return normalize_language_tag(value)


def format_name(value: str) -> str | None:
    """The portal's name of a format given by its name, an rdflib parser name or a media type
    (case and media-type parameters aside), or None."""
    name = value.split(";", 1)[0].strip().lower()
    name = FORMAT_ALIASES.get(name, name)
    return name if name in FORMATS else None


def _format(key: str, value: Any) -> str:
    name = format_name(value) if isinstance(value, str) else None
    if name is None:
        raise ConfigError(key, N_("must be one of: {choices}."),
                          choices=", ".join(sorted(FORMATS | FORMAT_ALIASES)))
    return name


def _available_profiles() -> set[str]:
    return {ep.name for ep in entry_points(group="ckan.rdf.profiles")}


def parse_config(text: str | dict | None) -> SourceConfig:
    """Parse and validate a source configuration.

    :raises ConfigError: naming the key at fault
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return SourceConfig()
    if isinstance(text, str):
        try:
            data = json.loads(text)
        except ValueError:
            raise ConfigError("config", N_("is not valid JSON."))
    else:
        data = text
    if not isinstance(data, dict):
        raise ConfigError("config", N_("must be a JSON object."))
    unknown = sorted(set(data) - KNOWN_KEYS - IGNORED_KEYS - {"rdf_format"})
    if unknown:
        raise ConfigError(unknown[0], N_("is not a known option (known: {known})."),
                          known=", ".join(sorted(KNOWN_KEYS | {"rdf_format"})))
    cfg = SourceConfig()
    cfg.ignored = sorted(set(data) & IGNORED_KEYS)

    formats = {key: _format(key, data[key]) for key in ("format", "rdf_format")
               if data.get(key) is not None}
    if len(set(formats.values())) > 1:
        raise ConfigError("rdf_format", N_("names another format than format ({format})."),
                          format=data["format"])
    if formats:
        cfg.format = next(iter(formats.values()))

    if "profiles" in data:
        profiles = data["profiles"]
        if isinstance(profiles, str):
            profiles = profiles.split()
        if not isinstance(profiles, list) or not profiles or \
                not all(isinstance(p, str) and p for p in profiles):
            raise ConfigError("profiles", N_("must be a list of RDF profile names."))
        unknown_profiles = sorted(set(profiles) - _available_profiles())
        if unknown_profiles:
            raise ConfigError("profiles", N_("names unknown profiles: {names}."),
                              names=", ".join(unknown_profiles))
        cfg.profiles = profiles

    if "default_language" in data:
        lang = _language(data["default_language"])
        if not lang:
            raise ConfigError("default_language", N_("must be a language tag such as es or en."))
        cfg.default_language = lang

    cfg.language_normalization = _bool(data, "language_normalization", True)

    if data.get("dataset_type") is not None:
        if data["dataset_type"] not in DATASET_TYPES:
            raise ConfigError("dataset_type", N_("must be one of: {choices}."),
                              choices=", ".join(DATASET_TYPES))
        cfg.dataset_type = data["dataset_type"]

    rules = data.get("type_rules", [])
    if not isinstance(rules, list):
        raise ConfigError("type_rules", N_("must be a list of rules."))
    for rule in rules:
        if not isinstance(rule, dict) or set(rule) != {"field", "contains", "type"}:
            raise ConfigError("type_rules", N_("each rule needs exactly field, contains and type."))
        if rule["field"] not in RULE_FIELDS:
            raise ConfigError("type_rules", N_("field must be one of: {choices}."),
                              choices=", ".join(RULE_FIELDS))
        if rule["type"] not in DATASET_TYPES:
            raise ConfigError("type_rules", N_("type must be one of: {choices}."),
                              choices=", ".join(DATASET_TYPES))
        if not isinstance(rule["contains"], str) or not rule["contains"].strip():
            raise ConfigError("type_rules", N_("contains must be a non-empty text."))
        cfg.type_rules.append(TypeRule(rule["field"], rule["contains"].strip(), rule["type"]))

    publishers = data.get("publishers", {})
    if not isinstance(publishers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in publishers.items()):
        raise ConfigError("publishers", N_("must map publisher names or identifiers to "
                          "institution names."))
    cfg.publishers = dict(publishers)

    cfg.max_pages = _int(data, "max_pages", DEFAULT_MAX_PAGES, 1, 10000)
    cfg.max_bytes = _int(data, "max_bytes", DEFAULT_MAX_BYTES, 1024, 1024 * 1024 * 1024)
    cfg.timeout = _int(data, "timeout", DEFAULT_TIMEOUT, 1, 3600)
    cfg.allow_mass_deletion = _bool(data, "allow_mass_deletion", False)

    threshold = data.get("deletion_threshold", DEFAULT_DELETION_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
            or not 0 <= threshold <= 1:
        raise ConfigError("deletion_threshold", N_("must be a number between 0 and 1."))
    cfg.deletion_threshold = float(threshold)
    return cfg
