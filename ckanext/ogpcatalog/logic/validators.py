"""Validators of the metadata model (used by the scheming schemas by name) and of the
parameters of the extension's actions (used by ``logic/schema.py``).

Each rejects bad input with a message in the request's language that names what is wrong
and shows the expected form; none writes anything. ``isodate`` is CKAN's, with a workaround
(upstream/isodate.py).
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any

from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
import yaml
from babel import Locale
from babel.numbers import list_currencies
from ckanext.scheming.validation import scheming_validator

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.commitments import evidence, exporter, sheet
from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.language import current_language
from ckanext.ogpcatalog.logic.dcat_records import (  # noqa: F401 (registered by name)
    ogpcatalog_served_datasets, ogpcatalog_series_refs)
from ckanext.ogpcatalog.fields.blank import is_blank
from ckanext.ogpcatalog.metrics import obligations, snapshots
from ckanext.ogpcatalog.metrics.filters import DATASET_TYPES, as_list, resolve_institutions
from ckanext.ogpcatalog.metrics.sql import RATINGS
from ckanext.ogpcatalog.upstream.isodate import isodate

__all__ = [
    "ogpcatalog_codes",
    "ogpcatalog_ocid_prefix",
    "ogpcatalog_currency",
    "ogpcatalog_ogp_identifier",
    "ogpcatalog_legal_identifier",
    "ogpcatalog_non_negative_number",
    "ogpcatalog_not_before",
    "ogpcatalog_parent_institution",
    "ogpcatalog_legal_identifier_unique",
    "ogpcatalog_urls",
    "ogpcatalog_list",
    "ogpcatalog_boolean_text",
    "ogpcatalog_required_if",
    "ogpcatalog_required_unless",
    "ogpcatalog_count",
    "ogpcatalog_number_output",
    "ogpcatalog_bilingual",
    "ogpcatalog_bilingual_core",
    "ogpcatalog_bilingual_output",
    "ogpcatalog_url",
    "ogpcatalog_resource_url",
    "ogpcatalog_max_length",
    "ogpcatalog_dataset_refs",
    "ogpcatalog_list_output",
    "ogpcatalog_institution_ref",
    "ogpcatalog_ogp_identifier_unique",
    "ogpcatalog_action_plan",
    "ogpcatalog_series_refs",
    "ogpcatalog_served_datasets",
    "isodate",
    # parameters of the actions (logic/schema.py)
    "ogpcatalog_not_blank",
    "ogpcatalog_flag",
    "ogpcatalog_codelist_codes",
    "ogpcatalog_dataset_types",
    "ogpcatalog_institution_ids",
    "ogpcatalog_integer",
    "ogpcatalog_sort",
    "ogpcatalog_date",
    "ogpcatalog_coverage_dimension",
    "ogpcatalog_quality_rating",
    "ogpcatalog_timeseries_indicator",
    "ogpcatalog_timeseries_interval",
    "ogpcatalog_obligation",
    "ogpcatalog_sheet_content",
    "ogpcatalog_sheet_language",
    "ogpcatalog_sheet_columns",
    "ogpcatalog_export_format",
    "ogpcatalog_field_names",
]

_OCID_PREFIX = re.compile(r"^ocds-[a-z0-9]{6}$")
_OGP_IDENTIFIER = re.compile(r"^([A-Z]{2})(\d{4})$")
_NOT_CURRENCIES = {"XXX", "XTS"}  # "no currency" and "testing" in ISO 4217


def _values(value: Any) -> list[str]:
    """A list from a list, a JSON list or a comma-separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(v).strip() for v in json.loads(text) if str(v).strip()]
        except (ValueError, TypeError):
            pass
    return [part.strip() for part in text.split(",") if part.strip()]


def ogpcatalog_ocid_prefix(value: Any, context: Any = None) -> Any:
    """OCID prefixes (``ocds-`` + 6 lowercase letters or digits), one or several."""
    values = _values(value)
    bad = [v for v in values if not _OCID_PREFIX.match(v)]
    if bad:
        raise tk.Invalid(tk._("Invalid OCID prefix: {value}. Expected ocds- followed by 6 lowercase "
                              "letters or digits, e.g. ocds-abc123").format(value=", ".join(bad)))
    return values if isinstance(value, (list, tuple)) else ",".join(values)


def ogpcatalog_currency(value: Any, context: Any = None) -> Any:
    """ISO 4217 currency codes (``USD``, ``COP`` ...), one or several; normalised to upper case."""
    values = [v.upper() for v in _values(value)]
    known = list_currencies()
    bad = [v for v in values if v not in known or v in _NOT_CURRENCIES]
    if bad:
        raise tk.Invalid(tk._("Unknown currency: {value}. Use ISO 4217 codes such as USD, COP, MXN")
                         .format(value=", ".join(bad)))
    return values if isinstance(value, (list, tuple)) else ",".join(values)


def ogpcatalog_ogp_identifier(value: Any, context: Any = None) -> Any:
    """OGP commitment identifier: ISO 3166 country code and 4 digits (``EC0003``)."""
    text = str(value or "").strip().upper()
    match = _OGP_IDENTIFIER.match(text)
    if not match or match.group(1) not in Locale("en").territories or match.group(1) == "ZZ":
        raise tk.Invalid(tk._("Invalid OGP commitment identifier: {value}. Expected a country code "
                              "and 4 digits, e.g. EC0003").format(value=value))
    return text


def _cuit_is_valid(digits: str) -> bool:
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    total = sum(int(d) * w for d, w in zip(digits[:10], weights))
    check = 11 - total % 11
    check = {11: 0, 10: 9}.get(check, check)
    return len(digits) == 11 and check == int(digits[10])


def _nit_is_valid(digits: str) -> bool:
    weights = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * w for d, w in zip(reversed(body), weights))
    remainder = total % 11
    return check == (remainder if remainder < 2 else 11 - remainder)


def _ruc_is_valid(digits: str) -> bool:
    if len(digits) != 13 or not (1 <= int(digits[:2]) <= 24 or digits[:2] == "30"):
        return False
    third = int(digits[2])
    if third < 6:  # natural person: identity card (modulo 10) + 001
        total = 0
        for position, d in enumerate(digits[:9]):
            product = int(d) * (2 if position % 2 == 0 else 1)
            total += product - 9 if product > 9 else product
        return (10 - total % 10) % 10 == int(digits[9]) and digits[10:] == "001"
    if third == 6:  # public institution (modulo 11 over 8 digits) + 0001
        total = sum(int(d) * w for d, w in zip(digits[:8], (3, 2, 7, 6, 5, 4, 3, 2)))
        check = 11 - total % 11
        return (0 if check == 11 else check) == int(digits[8]) and digits[9:] == "0001"
    if third == 9:  # private company (modulo 11 over 9 digits) + 001
        total = sum(int(d) * w for d, w in zip(digits[:9], (4, 3, 2, 7, 6, 5, 4, 3, 2)))
        check = 11 - total % 11
        return (0 if check == 11 else check) == int(digits[9]) and digits[10:] == "001"
    return False


# scheme -> (expected form, translated when shown; length check; check-digit check)
_SCHEMES = {
    "EC-RUC": (lambda: tk._("13 digits (RUC)"), lambda d: len(d) == 13, _ruc_is_valid),
    "CO-NIT": (lambda: tk._("9 or 10 digits with check digit (NIT)"), lambda d: len(d) in (9, 10), _nit_is_valid),
    "AR-CUIT": (lambda: tk._("11 digits (CUIT)"), lambda d: len(d) == 11, _cuit_is_valid),
}


def ogpcatalog_legal_identifier(key: Any, data: dict, errors: dict, context: Any) -> None:
    """The legal identifier of an institution, checked against the scheme in the sibling
    field ``legal_identifier_scheme`` (EC-RUC, CO-NIT, AR-CUIT; others are kept as given)."""
    value = data.get(key)
    if value in (None, "") or value is tk.missing:
        return
    scheme_key = key[:-1] + ("legal_identifier_scheme",)
    scheme = str(data.get(scheme_key) or "").strip().upper()
    rule = _SCHEMES.get(scheme)
    digits = re.sub(r"[\s.\-]", "", str(value))
    if rule is None:
        data[key] = str(value).strip()
        return
    form, length_ok, check_ok = rule
    if not digits.isdigit() or not length_ok(digits) or not check_ok(digits):
        errors[key].append(tk._("Invalid identifier for {scheme}: {value}. Expected {form}")
                           .format(scheme=scheme, value=value, form=form()))
        return
    data[key] = digits


def ogpcatalog_non_negative_number(value: Any, context: Any = None) -> Any:
    """A number >= 0 (amounts, counts); empty stays empty."""
    if value in (None, "") or value is tk.missing:
        return value
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        raise tk.Invalid(tk._("Not a number: {value}").format(value=value)) from None
    if number < 0 or number != number:
        raise tk.Invalid(tk._("Must be zero or more: {value}").format(value=value))
    return value


def ogpcatalog_not_before(other_field: str):
    """A date that must not be earlier than the date in ``other_field`` (end after start)."""

    def validator(key: Any, data: dict, errors: dict, context: Any) -> None:
        end = data.get(key)
        start = data.get(key[:-1] + (other_field,))
        if not end or not start or end is tk.missing or start is tk.missing:
            return
        if str(end)[:10] < str(start)[:10]:
            errors[key].append(tk._("The end date ({end}) is before the start date ({start})")
                               .format(end=str(end)[:10], start=str(start)[:10]))

    return validator


# --- bilingual fields and references (fields/) ---

def _bilingual_validator(field: dict, core_field: str | None):
    required = bool(field.get("required"))

    def validator(key: Any, data: dict, errors: dict, context: Any) -> None:
        # The form sends `<field>-es` / `<field>-en`; they arrive among the unknown keys.
        extras_key = key[:-1] + ("__extras",)
        extras = data.get(extras_key) or {}
        typed = {lang: extras.pop(f"{key[-1]}-{lang}") for lang in bilingual.LANGUAGES
                 if f"{key[-1]}-{lang}" in extras}
        if extras_key in data and not extras and len(key) > 1:
            del data[extras_key]
        value = typed if typed else data.get(key)
        if (value is tk.missing or value in (None, "")) and core_field:
            # A client that knows only CKAN's plain field (core API, other extensions).
            plain = data.get(key[:-1] + (core_field,))
            value = plain if isinstance(plain, str) else None
        try:
            clean = bilingual.parse(value)
        except bilingual.BilingualValueError as error:
            errors[key].append(str(error))
            raise tk.StopOnError from None
        max_length = field.get("max_length")
        for language, text in clean.items() if max_length else ():
            if len(text) > int(max_length):
                errors[key].append(_too_long(int(max_length), len(text), language))
                raise tk.StopOnError
        if not clean:
            if required:
                errors[key].append(tk._("Missing value"))
            data.pop(key, None)
            if core_field and data.get(key[:-1] + (core_field,)) is tk.missing:
                data.pop(key[:-1] + (core_field,), None)
            raise tk.StopOnError
        if core_field:
            default = bilingual.default_language()
            plain = data.get(key[:-1] + (core_field,))
            if not typed and _plain_field_edited(context, core_field, plain, clean.get(default)):
                clean[default] = plain.strip()
            data[key[:-1] + (core_field,)] = bilingual.pick(clean, default)[0]
        # Top-level values are stored as extras (strings); inside a repeating field the whole
        # item is stored as JSON by ckanext-scheming.
        data[key] = json.dumps(clean, ensure_ascii=False) if len(key) == 1 else clean

    return validator


def _too_long(max_length: int, length: int, language: str | None = None) -> str:
    if language:
        return tk._("Too long: at most {max} characters, the text in {language} has {length}").format(
            max=tk.h.localised_number(max_length), length=tk.h.localised_number(length),
            language=Locale(language).get_display_name(current_language()).lower())
    return tk._("Too long: at most {max} characters, this text has {length}").format(
        max=tk.h.localised_number(max_length), length=tk.h.localised_number(length))


@scheming_validator
def ogpcatalog_max_length(field: dict, schema: dict):
    """Refuse a text longer than the field's ``max_length`` (schemas/*.yaml), on that field."""
    max_length = int(field.get("max_length") or 0)

    def validator(value: Any, context: Any = None) -> Any:
        if max_length and isinstance(value, str) and len(value) > max_length:
            raise tk.Invalid(_too_long(max_length, len(value)))
        return value

    return validator


def _plain_field_edited(context: Any, core_field: str, plain: Any, translated: str | None) -> bool:
    """Whether an update changed only CKAN's plain field (``package_patch(title=...)`` by a
    client that does not know the translations): the plain value differs from the stored one
    while the stored default-language translation came back unchanged."""
    stored = context.get("package") or context.get("group")
    if stored is None or not isinstance(plain, str) or not plain.strip():
        return False
    before = getattr(stored, core_field, None)
    return plain.strip() != (before or "") and translated == before


@scheming_validator
def ogpcatalog_bilingual(field: dict, schema: dict):
    """Text per language (``{"es": ..., "en": ...}``), from the API or the form's side-by-side
    inputs; ``required: true`` asks for at least one language."""
    return _bilingual_validator(field, None)


@scheming_validator
def ogpcatalog_bilingual_core(field: dict, schema: dict):
    """A bilingual version of one of CKAN's own fields (``title_translated`` -> ``title``):
    also fills the plain field with the default language's text, or takes the plain field when
    a client sends only that."""
    name = field["field_name"]
    core_field = name[: -len("_translated")] if name.endswith("_translated") else name
    return _bilingual_validator(field, core_field)


def ogpcatalog_bilingual_output(value: Any) -> Any:
    """The stored value as a dict (API and templates)."""
    return bilingual.loads(value)


def ogpcatalog_url(value: Any, context: Any = None) -> Any:
    """An absolute http(s) URL; empty stays empty."""
    if value is tk.missing or value is None or str(value).strip() == "":
        return value
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise tk.Invalid(tk._("Invalid URL: {value}. Expected an address starting with http:// "
                              "or https://").format(value=text))
    return text


# Schemes a browser would run or inline instead of fetching (and ``file:``): never a
# resource's address. Browsers drop tabs and newlines anywhere in a URL and spaces around it.
_UNSAFE_SCHEMES = ("javascript", "data", "vbscript", "file", "blob", "about")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")


def unsafe_url_scheme(value: Any) -> str | None:
    """The scheme of an address a resource may not link to (``javascript``, ``data``,
    ``vbscript``, anything but http(s) and ftp(s)), as a browser would read it; None when the
    address is safe (or an uploaded file's name)."""
    if not isinstance(value, str):
        return None
    compact = _IGNORED_IN_URL.sub("", value).lower()
    scheme = urlsplit(compact).scheme if ":" in compact else ""
    if scheme in _UNSAFE_SCHEMES or (scheme and len(scheme) > 1
                                     and scheme not in ("http", "https", "ftp", "ftps")):
        return scheme
    return None


def ogpcatalog_resource_url(value: Any, context: Any = None) -> Any:
    """A resource's address: an uploaded file's name, or a link whose scheme is http(s) or
    ftp(s); ``javascript:``, ``data:``, ``vbscript:`` and the like are refused."""
    if value is tk.missing or value is None or not isinstance(value, str):
        return value
    scheme = unsafe_url_scheme(value)
    if scheme:
        raise tk.Invalid(tk._("Addresses starting with {scheme}: are not allowed: give an "
                              "address starting with http:// or https://, or upload a file")
                         .format(scheme=scheme))
    return value


def ogpcatalog_dataset_refs(key: Any, data: dict, errors: dict, context: Any) -> None:
    """Datasets of the portal, by name or id (a list, JSON list or comma-separated names);
    stored as their names. Unknown or deleted datasets, and those the acting user may not
    read (``package_show`` auth), are rejected by name."""
    value = data.get(key)
    names = _values(value) if value is not tk.missing else []
    if not names:
        data.pop(key, None)
        raise tk.StopOnError
    model = context["model"]
    found, unknown = [], []
    for ref in names:
        package = model.Package.get(ref)
        if package is None or package.state == "deleted" or not evidence.may_read(context, package):
            # A dataset the user may not read is "not found" too: its existence does not leak.
            unknown.append(ref)
        elif package.name not in found:
            found.append(package.name)
    if unknown:
        errors[key].append(tk._("Dataset not found: {names}").format(names=", ".join(unknown)))
        raise tk.StopOnError
    data[key] = json.dumps(found) if len(key) == 1 else found


def ogpcatalog_list_output(value: Any) -> Any:
    """A stored JSON list as a list."""
    if isinstance(value, list):
        return value
    return _values(value)


def ogpcatalog_institution_ref(value: Any, context: Any) -> Any:
    """An institution (organization) of the portal, by name or id; stored as its name."""
    if value is tk.missing or value is None or str(value).strip() == "":
        return value
    group = context["model"].Group.get(str(value).strip())
    if group is None or not group.is_organization or group.state == "deleted":
        raise tk.Invalid(tk._("Institution not found: {value}").format(value=value))
    return group.name


# --- commitments ---

def ogpcatalog_ogp_identifier_unique(key: Any, data: dict, errors: dict, context: Any) -> None:
    """No other dataset (in any state but deleted) has this OGP commitment identifier; a
    dataset being updated keeps its own. Use after ``ogpcatalog_ogp_identifier``."""
    value = data.get(key)
    if value in (None, "") or value is tk.missing:
        return
    model = context["model"]
    query = context["session"].query(model.Package.id).filter(
        model.Package.extras["ogp_id"].astext == str(value),
        model.Package.state != model.State.DELETED,
    )
    package = context.get("package")
    package_id = package.id if package else data.get(key[:-1] + ("id",))
    if package_id and package_id is not tk.missing:
        query = query.filter(model.Package.id != package_id)
    if context["session"].query(query.exists()).scalar():
        errors[key].append(tk._("Another commitment already has the OGP identifier {value}")
                           .format(value=value))


def ogpcatalog_action_plan(value: Any, context: Any) -> Any:
    """An action plan of the portal (a group of type ``action-plan``), by name or id; stored
    as its name."""
    if value is tk.missing or value is None or str(value).strip() == "":
        return value
    group = context["model"].Group.get(str(value).strip())
    if group is None or group.type != "action-plan" or group.state == "deleted":
        raise tk.Invalid(tk._("Action plan not found: {value}").format(value=value))
    return group.name


# --- procurement ---

_TRUE_TEXTS = {"true", "t", "yes", "y", "1", "si", "sí"}
_FALSE_TEXTS = {"false", "f", "no", "n", "0"}


def ogpcatalog_list(key: Any, data: dict, errors: dict, context: Any) -> None:
    """A list of texts from a list, a JSON list or a comma-separated string (API and form).

    Put it before the validators of the items (``ogpcatalog_ocid_prefix``,
    ``ogpcatalog_currency``) and ``scheming_multiple_text``, which stores the list; an empty
    list removes the field.
    """
    value = data.get(key)
    values = [] if value is tk.missing else _values(value)
    if not values:
        data.pop(key, None)
        raise tk.StopOnError
    data[key] = values


def ogpcatalog_boolean_text(value: Any, context: Any = None) -> Any:
    """``"true"`` or ``"false"`` from a JSON boolean or a usual spelling (yes/no, sí, 1/0);
    other values are left for the field's choices to reject."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE_TEXTS:
            return "true"
        if text in _FALSE_TEXTS:
            return "false"
    return value


def ogpcatalog_count(value: Any, context: Any = None) -> Any:
    """A whole number >= 0 (e.g. a number of processes); empty stays empty."""
    value = ogpcatalog_non_negative_number(value, context)
    if value in (None, "") or value is tk.missing:
        return value
    number = float(str(value).replace(",", ""))
    if not number.is_integer():
        raise tk.Invalid(tk._("Not a whole number: {value}").format(value=value))
    return int(number)


def ogpcatalog_number_output(value: Any) -> Any:
    """A stored number (text in extras and forms) as a JSON number; anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return value
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in str(value) else number


def ogpcatalog_required_if(other_field: str, expected: str):
    """Required when the sibling field ``other_field`` has the value ``expected``
    (``ogpcatalog_required_if(emergency,true)``, no spaces). A scheming validator: the message
    names the other field and value by their labels. Put it first, before the field's own
    validators (a bilingual field's form inputs ``<field>-es``/``<field>-en`` count)."""

    @scheming_validator
    def with_schema(field: dict, schema: dict):
        fields = [*schema.get("dataset_fields", []), *schema.get("fields", [])]
        other = next((f for f in fields if f.get("field_name") == other_field), {})
        choice = next((c for c in other.get("choices", []) if str(c.get("value")) == expected), {})

        def validator(key: Any, data: dict, errors: dict, context: Any) -> None:
            given = ogpcatalog_boolean_text(data.get(key[:-1] + (other_field,)))
            if given is tk.missing or str(given).strip() != expected:
                return
            extras = data.get(key[:-1] + ("__extras",)) or {}
            typed = [extras.get(f"{key[-1]}-{lang}") for lang in bilingual.LANGUAGES]
            if not is_blank(data.get(key)) or not all(is_blank(t) for t in typed):
                return
            language = bilingual.current_language()
            errors[key].append(tk._("Missing value: required when “{field}” is “{value}”").format(
                field=bilingual.pick(other.get("label") or {}, language)[0] or other_field,
                value=bilingual.pick(choice.get("label") or {}, language)[0] or expected))
            raise tk.StopOnError

        return validator

    return with_schema



def ogpcatalog_required_unless(other_field: str):
    """Required unless the sibling field ``other_field`` is given
    (``ogpcatalog_required_unless(tracker_id)``): a commitment imported from another tracker
    may lack its OGP identifier until it is known. Put it first; when the field is blank and
    the other one given, the field's other validators are skipped."""

    def validator(key: Any, data: dict, errors: dict, context: Any) -> None:
        if not is_blank(data.get(key)):
            return
        if is_blank(data.get(key[:-1] + (other_field,))):
            errors[key].append(tk._("Missing value"))
        data.pop(key, None)
        raise tk.StopOnError

    return validator

# --- institutions and the general dataset ---

def ogpcatalog_parent_institution(key: Any, data: dict, errors: dict, context: Any) -> None:
    """The parent of an institution is neither the institution itself nor one of its
    descendants (no cycles). Use after ``ogpcatalog_institution_ref`` (the value is a name)."""
    parent = data.get(key)
    if is_blank(parent) or errors.get(key):
        return
    model = context["model"]
    own = context.get("group")
    own_names = {str(v) for v in (data.get(key[:-1] + ("name",)), data.get(key[:-1] + ("id",)))
                 if not is_blank(v)}
    if own is not None:
        own_names |= {own.name, own.id}
    if parent in own_names:
        errors[key].append(tk._("An institution cannot be its own parent"))
        return
    seen: set[str] = set()
    current = model.Group.get(parent)
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.name in own_names or current.id in own_names:
            errors[key].append(tk._("{parent} is already under this institution: choose an "
                                    "institution above it").format(parent=parent))
            return
        ancestor = (current.extras or {}).get("parent_institution")
        current = model.Group.get(ancestor) if ancestor else None


def ogpcatalog_legal_identifier_unique(key: Any, data: dict, errors: dict, context: Any) -> None:
    """No other institution has the same legal identifier in the same scheme. Use after
    ``ogpcatalog_legal_identifier`` (which normalises the value)."""
    value = data.get(key)
    if is_blank(value) or errors.get(key):
        return
    model = context["model"]
    scheme = str(data.get(key[:-1] + ("legal_identifier_scheme",)) or "").strip().upper()
    query = context["session"].query(model.Group.name).filter(
        model.Group.is_organization.is_(True),
        model.Group.state != model.State.DELETED,
        model.Group.extras["legal_identifier"].astext == str(value),
        model.Group.extras["legal_identifier_scheme"].astext == scheme,
    )
    own = context.get("group")
    if own is not None:
        query = query.filter(model.Group.id != own.id)
    other = query.first()
    if other:
        errors[key].append(tk._("The institution {name} already has the identifier {value}")
                           .format(name=other.name, value=value))


def ogpcatalog_urls(value: Any, context: Any = None) -> Any:
    """Several http(s) URLs (a list, a JSON list or one URL), each checked as
    ``ogpcatalog_url``; returned as a list for ``scheming_multiple_text``."""
    if value is tk.missing or value is None:
        return value
    if isinstance(value, str) and not value.strip().startswith("["):
        urls = [value.strip()] if value.strip() else []  # one URL: commas are part of it
    else:
        urls = _values(value)
    bad = []
    for url in urls:
        try:
            ogpcatalog_url(url)
        except tk.Invalid:
            bad.append(url)
    if bad:
        raise tk.Invalid(tk._("Invalid URL: {value}. Expected an address starting with http:// "
                              "or https://").format(value=", ".join(bad)))
    return urls


def ogpcatalog_codes(value: Any, context: Any = None) -> Any:
    """Codelist values are codes: one text, or a list of texts. Anything nested is refused
    here, naming the field (scheming's choice validators fail on it with a 500)."""
    values = value if isinstance(value, list) else [value]
    if any(isinstance(item, (list, dict)) for item in values):
        raise tk.Invalid(tk._("Must be a code of the list, or a list of such codes"))
    return value


# --- parameters of the actions (logic/schema.py) ---

def _absent(value: Any) -> bool:
    return value is None or value is tk.missing or value == ""


def ogpcatalog_not_blank(strip: bool = True):
    """A text that is given and not blank ("Missing value" otherwise); with ``strip`` a
    number is read as its text too and the text is stripped."""

    def validator(value: Any, context: Any = None) -> Any:
        if strip and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise tk.Invalid(tk._("Missing value"))
        return value.strip() if strip else value

    return validator


def ogpcatalog_flag(value: Any, context: Any = None) -> bool:
    """A yes/no parameter: a JSON boolean, or ``true``, ``yes``, ``on``, ``y``, ``t`` or ``1``
    for yes (any other text is no); missing is no."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "y", "t", "1")
    return bool(value)  # missing is falsy


def _codes_given(value: Any, allowed: Any, message: str) -> list[str]:
    """The codes of a filter (one code, a list, or a comma-separated string), all of them in
    ``allowed``; ``message`` (a translated text with ``{codes}``) names the others."""
    codes = as_list(value)
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise tk.Invalid(message.format(codes=", ".join(unknown)))
    return codes


def ogpcatalog_codelist_codes(codelist: str):
    """A list of codes of ``codelist`` (one code, a list, or a comma-separated string)."""

    def validator(value: Any, context: Any = None) -> list[str]:
        return _codes_given(value, codelists.get(codelist), tk._("Unknown code: {codes}"))

    return validator


def ogpcatalog_dataset_types(value: Any, context: Any = None) -> list[str]:
    """A list of the portal's dataset types (``dataset``, ``procurement``, ``commitment``)."""
    types = as_list(value)
    unknown = [name for name in types if name not in DATASET_TYPES]
    if unknown:
        raise tk.Invalid(tk._("Unknown dataset type: {types}").format(types=", ".join(unknown)))
    return types


def ogpcatalog_institution_ids(value: Any, context: Any = None) -> list[str]:
    """The ids of the active institutions named or identified (one, a list, or a
    comma-separated string)."""
    ids, missing = resolve_institutions(as_list(value))
    if missing:
        raise tk.Invalid(tk._("Institution not found: {names}").format(names=", ".join(missing)))
    return ids


def ogpcatalog_integer(low: int, high: int | None = None, default: int | None = None):
    """A whole number from ``low`` to ``high`` (no upper bound if None); ``default`` when
    not given."""

    def validator(value: Any, context: Any = None) -> int | None:
        if _absent(value):
            return default
        try:
            number = int(str(value).strip())
        except ValueError:
            raise tk.Invalid(tk._("Must be a whole number")) from None
        if number < low or (high is not None and number > high):
            raise tk.Invalid(tk._("Must be between {low} and {high}").format(low=low, high=high)
                             if high is not None else
                             tk._("Must be at least {low}").format(low=low))
        return number

    return validator


def ogpcatalog_sort(keys: Any, default: str):
    """``"<key> asc|desc"`` with a key of ``keys`` (``default`` when not given), as
    ``(key, descending)``."""
    keys = list(keys)

    def validator(value: Any, context: Any = None) -> tuple[str, bool]:
        parts = str(value or default).strip().split()
        if not parts or len(parts) > 2 or parts[0] not in keys or (
                len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
            raise tk.Invalid(tk._("Sort by one of: {keys} (followed by asc or desc)").format(
                keys=", ".join(keys)))
        return parts[0], len(parts) == 2 and parts[1].lower() == "desc"

    return validator


def ogpcatalog_date(value: Any, context: Any = None) -> datetime.date | None:
    """An optional ISO date (``YYYY-MM-DD``); None when not given."""
    if _absent(value):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise tk.Invalid(tk._("Not a date (YYYY-MM-DD): {value}").format(value=value)) from None


def ogpcatalog_coverage_dimension(value: Any, context: Any = None) -> str:
    """The columns of the coverage matrix: ``dataset_type`` or ``theme``."""
    if value not in ("dataset_type", "theme"):
        raise tk.Invalid(tk._("Use dataset_type or theme"))
    return value


def ogpcatalog_quality_rating(value: Any, context: Any = None) -> str | None:
    """An optional quality rating (``excellent``, ``good``, ``sufficient``, ``bad``)."""
    if not value:  # missing is falsy
        return None
    if value not in RATINGS:
        raise tk.Invalid(tk._("Use one of: {values}").format(values=", ".join(RATINGS)))
    return value


def ogpcatalog_timeseries_indicator(key: Any, data: dict, errors: dict, context: Any) -> None:
    """A snapshot indicator: of the portal, or of an institution when ``institution`` is
    given."""
    institution = data.get(key[:-1] + ("institution",))
    given = bool(institution)  # missing is falsy
    known = snapshots.INSTITUTION_INDICATORS if given else snapshots.PORTAL_INDICATORS
    if data.get(key) not in known:
        errors[key].append(tk._("Use one of: {values}").format(values=", ".join(known)))
        raise tk.StopOnError


def ogpcatalog_timeseries_interval(value: Any, context: Any = None) -> str:
    """``month`` (default) or ``day``."""
    value = value if value else "month"
    if value not in ("month", "day"):
        raise tk.Invalid(tk._("Use month or day"))
    return value


def ogpcatalog_obligation(partial: bool = False):
    """Use under ``__before`` of a schema without fields: the obligation given (with
    ``partial``, only the fields given) checked by the registry's rules
    (``metrics/obligations.validate``, shared with the file import), which name each bad
    field (``applies_to.sector``...); the data becomes the clean obligation."""

    def validator(key: Any, data: dict, errors: dict, context: Any) -> None:
        given = dict(data.pop(("__extras",), None) or {})
        given.update({k[0]: v for k, v in list(data.items())
                      if len(k) == 1 and not str(k[0]).startswith("__")})
        try:
            clean = obligations.validate(given, partial=partial)
        except tk.ValidationError as error:
            for field, messages in error.error_dict.items():
                errors[(field,)] = list(messages)
            raise tk.StopOnError
        data.update({(name,): value for name, value in clean.items()})

    return validator


def ogpcatalog_sheet_content(key: Any, data: dict, errors: dict, context: Any) -> None:
    """Use on ``csv``: the sheet's content, from the ``csv`` text or the ``upload`` file (or
    text), at most ``ckanext.ogpcatalog.commitments.max_bytes``; the errors name ``csv`` or
    ``upload``."""
    limit = tk.config.get("ckanext.ogpcatalog.commitments.max_bytes")
    upload_key = key[:-1] + ("upload",)
    upload = data.get(upload_key)
    if upload is tk.missing:
        upload = None

    def too_large() -> None:
        errors.setdefault(upload_key, []).append(
            tk._("The file is larger than {size} bytes").format(size=limit))
        raise tk.StopOnError

    if upload is not None and not isinstance(upload, str):
        stream = getattr(upload, "stream", None) or getattr(upload, "file", None) or upload
        if not callable(getattr(stream, "read", None)):
            errors.setdefault(upload_key, []).append(tk._("Expected a file"))
            raise tk.StopOnError
        content = stream.read(limit + 1)
        if len(content) > limit:
            too_large()
        if content:
            data[key] = content
            return
    text = data.get(key)
    if text is tk.missing:
        text = None
    if isinstance(upload, str) and not text:
        text = upload
    if not text:
        errors[key].append(tk._("Missing value: give the CSV as text (csv) or as a file "
                                "(upload)"))
        raise tk.StopOnError
    if len(text) > limit:
        too_large()
    data[key] = text


def ogpcatalog_sheet_language(value: Any, context: Any = None) -> str:
    """The language of a sheet's texts, ``es`` or ``en`` (default: the portal's)."""
    language = value if value else bilingual.default_language()
    if language not in bilingual.LANGUAGES:
        raise tk.Invalid(tk._("Unknown language: {value}. Expected one of: {allowed}").format(
            value=language, allowed=", ".join(bilingual.LANGUAGES)))
    return language


def ogpcatalog_sheet_columns(value: Any, context: Any = None) -> dict[str, str]:
    """Extra header names of a sheet, ``{"header in the file": "column key"}`` (a dict or
    its YAML text)."""
    columns = value if value else {}
    if isinstance(columns, str):
        try:
            columns = yaml.safe_load(columns) or {}
        except yaml.YAMLError:
            columns = None
    known = {key for key, _header in sheet.columns()}
    if not isinstance(columns, dict) or any(str(v) not in known for v in columns.values()):
        raise tk.Invalid(tk._(
            "Expected a mapping of header names to columns of the OGP sheet: {allowed}").format(
                allowed=", ".join(sorted(known))))
    return {str(k): str(v) for k, v in columns.items()}


def ogpcatalog_export_format(value: Any, context: Any = None) -> str:
    """The format of the commitments export: ``csv`` (default) or ``json``."""
    export_format = str(value if value else "csv").lower()
    if export_format not in exporter.FORMATS:
        raise tk.Invalid(tk._("Unknown format: {value}. Expected one of: {allowed}").format(
            value=export_format, allowed=", ".join(exporter.FORMATS)))
    return export_format


def ogpcatalog_field_names(value: Any, context: Any = None) -> list[Any]:
    """At least one field name: a list, or a comma-separated string."""
    fields = value if value else []
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    if not fields:
        raise tk.Invalid(tk._("Choose at least one field to fill."))
    return fields
