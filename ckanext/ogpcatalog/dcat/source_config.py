"""Per-source configuration of the `ogpcatalog_harvester` (the harvest source's ``config`` JSON).

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
from typing import Any

from ckanext.ogpcatalog.dcat.fetch import N_, _

FORMATS = {
    # key: (rdflib format or None for data.json, data.json flavour)
    "rdf/xml": ("xml", None),
    "xml": ("xml", None),
    "turtle": ("turtle", None),
    "json-ld": ("json-ld", None),
    "datajson-argentina": (None, "argentina"),
    "datajson-us": (None, "dcat-us"),
}
DEFAULT_PROFILES = ["euro_dcat_ap_3", "euro_dcat_ap_scheming", "ogpcatalog"]
DATASET_TYPES = ("dataset", "procurement", "commitment")
RULE_FIELDS = ("theme", "keyword", "conformsTo", "type")
KNOWN_KEYS = {
    "format", "profiles", "default_language", "language_normalization", "dataset_type",
    "type_rules", "publishers", "max_pages", "max_bytes", "timeout", "allow_mass_deletion",
    "deletion_threshold",
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
    try:
        from ckanext.ogpcatalog.dcat.languages import normalize_language_tag
    except ImportError:  # the profile's module not there yet: plain BCP 47 primary subtag
        primary = value.strip().split("-")[0].split("_")[0].lower()
        return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None
    return normalize_language_tag(value)


def _available_profiles() -> set[str]:
    from importlib.metadata import entry_points
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
    unknown = sorted(set(data) - KNOWN_KEYS - {"rdf_format"})
    if unknown:
        raise ConfigError(unknown[0], N_("is not a known option (known: {known})."),
                          known=", ".join(sorted(KNOWN_KEYS)))
    cfg = SourceConfig()

    fmt = data.get("format", data.get("rdf_format"))
    if fmt is not None:
        if not isinstance(fmt, str) or fmt.lower() not in FORMATS:
            raise ConfigError("format", N_("must be one of: {choices}."),
                              choices=", ".join(sorted(FORMATS)))
        cfg.format = fmt.lower()

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
