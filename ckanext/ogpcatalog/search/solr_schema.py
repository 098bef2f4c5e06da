"""CKAN's Solr schema (``ckan/config/solr/schema.xml``, 2.12) as data: which fields are
tokenized text, exact strings, dates or integers, which are stored (returned by ``fl``),
and which are copied into the catch-all ``text`` field. The index and the query translator
both read these rules, so a field behaves here as it does in Solr.
"""
from __future__ import annotations

import datetime
import re

from dateutil.parser import parse as parse_date

# Tokenized fields (types text / text_general); everything else is an exact string.
TEXT_FIELDS = frozenset({
    "title", "notes", "author", "author_email", "maintainer", "maintainer_email",
    "res_name", "res_description", "text", "urls",
    "depends_on", "dependency_of", "derives_from", "has_derivation",
    "links_to", "linked_from", "child_of", "parent_of",
})
TEXT_PREFIXES = ("extras_", "res_extras_")

# n-gram copies used by package_autocomplete: substring match on the source field.
NGRAM_FIELDS = {"title_ngram": "title", "name_ngram": "name"}

INT_FIELDS = frozenset({
    "views_total", "views_recent", "resources_accessed_total", "resources_accessed_recent",
})
DATE_COLUMNS = frozenset({"metadata_created", "metadata_modified"})

# Exact-string fields kept in their own column (fast filters and facets).
COLUMN_FIELDS = frozenset({
    "id", "name", "site_id", "state", "capacity", "dataset_type", "organization",
})

# Fields that Solr stores (and so returns through `fl`).
_STORED_FIELDS = frozenset({
    "index_id", "id", "site_id", "title", "entity_type", "dataset_type", "state", "name",
    "revision_id", "version", "url", "ckan_url", "download_url", "notes", "author",
    "author_email", "maintainer", "maintainer_email", "license", "license_id", "tags",
    "groups", "organization", "capacity", "res_name", "res_description", "res_format",
    "res_url", "res_type", "metadata_created", "metadata_modified", "indexed_ts",
    "title_ngram", "name_ngram",
})
_STORED_PREFIXES = ("extras_", "res_extras_", "vocab_")

# Copy fields into `text` (schema.xml copyField), by weight for ranking:
# A name and title, B tags/groups/organization, C notes, D everything else.
COPY_TO_TEXT_WEIGHTED = {
    "A": ("name", "title"),
    "B": ("tags", "groups", "organization"),
    "C": ("notes",),
    "D": ("text", "urls", "url", "ckan_url", "download_url", "res_url", "license",
          "res_name", "res_description", "maintainer", "author"),
}
COPY_TO_TEXT_PREFIXES = ("extras_", "res_extras_", "vocab_")

# Fields copied into `text`: a query on them can be pre-filtered through the GIN index.
COPIED_TO_TEXT = frozenset(f for group in COPY_TO_TEXT_WEIGHTED.values() for f in group)

# Exact fields never worth counting as facets (URLs, identifiers of every dataset).
NOT_FACETED = frozenset({"id", "index_id", "name", "site_id", "url", "res_url", "ckan_url",
                         "download_url", "metadata_created", "metadata_modified", "indexed_ts",
                         "permission_labels", "revision_id", "_version_"})
FACET_VALUE_MAX = 300  # longer values are not counted as facet values
FACET_SEPARATOR = "\x1f"

def is_faceted(field: str, value: str) -> bool:
    """Whether ``field:value`` has its entry in the index's ``facets`` column."""
    return field not in NOT_FACETED and not is_date_field(field) and len(value) <= FACET_VALUE_MAX


FIELD_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def is_text_field(field: str) -> bool:
    return field in TEXT_FIELDS or field.startswith(TEXT_PREFIXES)


def is_date_field(field: str) -> bool:
    return field in DATE_COLUMNS or field == "indexed_ts" or field.endswith("_date")


def is_stored(field: str) -> bool:
    return field in _STORED_FIELDS or field.startswith(_STORED_PREFIXES) or field.endswith("_date")


def is_copied_to_text(field: str) -> bool:
    return field in COPIED_TO_TEXT or field.startswith(COPY_TO_TEXT_PREFIXES)


def canonical_date(value: datetime.datetime) -> str:
    """One sortable text form for every indexed date: UTC, microseconds, trailing Z."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def solr_stored_date(value):
    """A date as Solr returns a stored one: UTC, milliseconds only when not zero."""
    if isinstance(value, (list, tuple)):
        return [solr_stored_date(v) for v in value]
    parsed = parse_indexed_date(str(value)) if value else None
    if parsed is None:
        return value
    millis = parsed.microsecond // 1000
    text = parsed.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def parse_indexed_date(value: str) -> datetime.datetime | None:
    try:
        parsed = datetime.datetime.fromisoformat(value)  # the common case, 50x faster
    except (ValueError, TypeError):
        try:
            parsed = parse_date(value)
        except (ValueError, OverflowError, TypeError):
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


_DATE_MATH_RE = re.compile(r"([+-])(\d+)(YEARS?|MONTHS?|DAYS?|DATE|HOURS?|MINUTES?|SECONDS?|MILLIS(?:ECONDS?)?)"
                           r"|/(YEARS?|MONTHS?|DAYS?|DATE|HOURS?|MINUTES?|SECONDS?)")


def parse_solr_date(value: str, now: datetime.datetime | None = None) -> datetime.datetime:
    """Solr date syntax: ISO 8601 with Z, NOW, and date math (NOW-1DAY, NOW/DAY, ...).

    Raises ValueError on anything else.
    """
    text = value.strip()
    if text.startswith("NOW"):
        base = now or datetime.datetime.utcnow()
        rest = text[3:]
    else:
        split = re.search(r"[+/]|(?<=Z)-", text)
        head, rest = (text[:split.start()], text[split.start():]) if split else (text, "")
        if not re.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?Z?$", head):
            raise ValueError(f"invalid date: {value}")
        parsed = parse_indexed_date(head)
        if parsed is None:
            raise ValueError(f"invalid date: {value}")
        base = parsed
    pos = 0
    while pos < len(rest):
        match = _DATE_MATH_RE.match(rest, pos)
        if not match:
            raise ValueError(f"invalid date math: {value}")
        pos = match.end()
        if match.group(4):
            base = _round_down(base, match.group(4))
        else:
            sign = 1 if match.group(1) == "+" else -1
            base = _add(base, sign * int(match.group(2)), match.group(3))
    return base


def _unit(unit: str) -> str:
    unit = unit.upper()
    if unit == "DATE":
        return "DAY"
    if unit.startswith("MILLI"):
        return "MILLI"
    return unit.rstrip("S")


def _round_down(value: datetime.datetime, unit: str) -> datetime.datetime:
    unit = _unit(unit)
    fields = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]
    keep = fields.index(unit)
    replace: dict[str, int] = {"microsecond": 0}
    if keep < 5:
        replace["second"] = 0
    if keep < 4:
        replace["minute"] = 0
    if keep < 3:
        replace["hour"] = 0
    if keep < 2:
        replace["day"] = 1
    if keep < 1:
        replace["month"] = 1
    return value.replace(**replace)


def _add(value: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
    unit = _unit(unit)
    if unit in ("YEAR", "MONTH"):
        months = amount * (12 if unit == "YEAR" else 1)
        month0 = value.month - 1 + months
        year = value.year + month0 // 12
        month = month0 % 12 + 1
        day = min(value.day, _days_in_month(year, month))
        return value.replace(year=year, month=month, day=day)
    seconds = {"DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1, "MILLI": 0.001}[unit]
    return value + datetime.timedelta(seconds=amount * seconds)


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)).day
