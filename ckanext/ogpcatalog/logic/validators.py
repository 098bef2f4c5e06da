"""Validators of the metadata model (used by the scheming schemas by name).

Each rejects bad input with a message in the request's language that names what is wrong
and shows the expected form; none writes anything.
"""
from __future__ import annotations

import json
import re
from typing import Any

from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
from ckan.logic.validators import isodate as _core_isodate
from babel import Locale
from babel.numbers import list_currencies
from ckanext.scheming.validation import scheming_validator

from ckanext.ogpcatalog.fields import bilingual
from ckanext.ogpcatalog.fields.blank import is_blank

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
    "ogpcatalog_count",
    "ogpcatalog_number_output",
    "ogpcatalog_bilingual",
    "ogpcatalog_bilingual_core",
    "ogpcatalog_bilingual_output",
    "ogpcatalog_url",
    "ogpcatalog_dataset_refs",
    "ogpcatalog_list_output",
    "ogpcatalog_institution_ref",
    "ogpcatalog_ogp_identifier_unique",
    "ogpcatalog_action_plan",
    "isodate",
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


def isodate(value: Any, context: Any = None) -> Any:
    """CKAN's ``isodate`` (registered under its name, so the scheming ``date`` preset and
    CKAN's resource dates use it), with a date whose parts overflow (a year of hundreds of
    digits) refused as a bad date instead of an OverflowError and a 500; found by fuzzing."""
    try:
        return _core_isodate(value, context)
    except OverflowError:
        raise tk.Invalid(tk._("Date format incorrect")) from None


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


def ogpcatalog_dataset_refs(key: Any, data: dict, errors: dict, context: Any) -> None:
    """Datasets of the portal, by name or id (a list, JSON list or comma-separated names);
    stored as their names. Unknown or deleted datasets are rejected by name."""
    value = data.get(key)
    names = _values(value) if value is not tk.missing else []
    if not names:
        data.pop(key, None)
        raise tk.StopOnError
    model = context["model"]
    found, unknown = [], []
    for ref in names:
        package = model.Package.get(ref)
        if package is None or package.state == "deleted":
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
