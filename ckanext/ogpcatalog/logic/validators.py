"""Validators of the metadata model (used by the scheming schemas by name).

Each rejects bad input with a message in the request's language that names what is wrong
and shows the expected form; none writes anything.
"""
from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from babel import Locale
from babel.numbers import list_currencies

__all__ = [
    "ogpcatalog_ocid_prefix",
    "ogpcatalog_currency",
    "ogpcatalog_ogp_identifier",
    "ogpcatalog_legal_identifier",
    "ogpcatalog_non_negative_number",
    "ogpcatalog_not_before",
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
