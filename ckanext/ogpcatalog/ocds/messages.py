"""Human messages of the OCDS summaries, translated when shown (stored as codes + parameters)."""
from __future__ import annotations

import re
from typing import Any, Callable

import ckan.plugins.toolkit as tk


def problem_message(problem: dict[str, Any] | None) -> str:
    """The sentence for a stored problem (``{"code": ..., "params": {...}}``)."""
    if not problem:
        return ""
    code = problem.get("code", "")
    params = {key: value for key, value in (problem.get("params") or {}).items()}
    messages = {
        "empty": tk._("The file is empty."),
        "not_json": tk._("The file is not valid JSON (line {line}, column {column}: {reason})."),
        "not_ocds": tk._("The file is JSON but not OCDS: value {item} is not a release package, record "
                         "package, release or record."),
        "too_large": tk._("The file is larger than the limit of {limit} bytes."),
        "too_many_values": tk._("The file holds about {count} JSON values, more than the "
                                "{limit} the portal validates (setting {setting}): it was not "
                                "validated, to keep the server's memory bounded."),
        "too_deep": tk._("The file's JSON is nested deeper than {limit} levels (arrays and "
                         "objects inside each other), the portal's limit (setting {setting}): "
                         "it was not validated."),
        "unreachable": tk._("The address {url} could not be reached ({reason})."),
        "http_error": tk._("The address {url} answered with HTTP status {status}."),
        "private_address": tk._("The address {url} points to a private network address ({address}); "
                                "the portal does not fetch such addresses."),
        "bad_url": tk._("The resource has no HTTP(S) address to fetch: {url}"),
        "upload_missing": tk._("The uploaded file was not found in the portal's storage."),
        "too_many_redirects": tk._("The address {url} redirects too many times."),
        "schema_unavailable": tk._("The OCDS schema is not available on this server (setting "
                                   "ckanext.ogpcatalog.ocds.standard_zip). Please tell the portal "
                                   "administrators."),
        "queue_unavailable": tk._("The validation could not be queued. Please try again later."),
        "internal": tk._("The validation stopped on an unexpected error; the portal administrators "
                         "can see it in the logs."),
    }
    template = messages.get(code, code)
    params.setdefault("item", 1)
    params.setdefault("reason", "")
    params.setdefault("line", "?")
    params.setdefault("column", "?")
    try:
        text = template.format(**params)
    except (KeyError, IndexError, ValueError):
        text = template
    if problem.get("will_retry"):
        text += " " + tk._("A new attempt is scheduled ({attempt} of {attempts}).").format(
            attempt=problem.get("attempt", 1) + 1, attempts=problem.get("attempts", 1))
    return text


def status_label(status: str, error_count: int = 0) -> str:
    labels = {
        "pending": tk._("Validation pending"),
        "valid": tk._("Valid OCDS"),
        "unreadable": tk._("Not readable as OCDS"),
        "fetch_failed": tk._("Failed to fetch"),
        "error": tk._("Validation failed"),
    }
    if status == "invalid":
        return tk.ungettext("{count} error", "{count} errors", error_count).format(count=error_count)
    return labels.get(status, status)


def error_type_label(kind: str) -> str:
    labels = {
        "required": tk._("Required field missing"),
        "date-time": tk._("Wrong date format"),
        "uri": tk._("Wrong URI format"),
        "string": tk._("Text expected"),
        "integer": tk._("Integer expected"),
        "number": tk._("Number expected"),
        "array": tk._("List expected"),
        "object": tk._("Object expected"),
        "maxLength": tk._("Value too long"),
        "type": tk._("Wrong type of value"),
        "pattern": tk._("Value does not match the expected pattern"),
        "format": tk._("Wrong format (date, URI...)"),
        "enum": tk._("Value not allowed"),
        "minItems": tk._("Too few items"),
        "minLength": tk._("Value too short"),
        "minProperties": tk._("Empty object"),
        "uniqueItems": tk._("Repeated items"),
        "unique": tk._("Repeated identifiers"),
        "oneOf": tk._("Value matches none of the allowed forms"),
        "additionalProperties": tk._("Field not allowed here"),
        "closed_codelist": tk._("Code not in a closed codelist"),
        "open_codelist": tk._("Code not in an open codelist"),
        "additional_field": tk._("Field not in the schema"),
        "deprecated_field": tk._("Deprecated field"),
        "ocid_prefix": tk._("OCID without a prefix in the registered format"),
        "empty_field": tk._("Empty field"),
        "encoding": tk._("Encoding is not UTF-8"),
        "unknown_version": tk._("Unknown OCDS version"),
        "schema": tk._("Schema could not be resolved"),
        "not_validated": tk._("Not validated"),
    }
    return labels.get(kind, kind)


def kind_label(kind: str) -> str:
    labels = {
        "release_package": tk._("Release package"),
        "record_package": tk._("Record package"),
        "compiled_release": tk._("Compiled release"),
        "release": tk._("Release"),
        "record": tk._("Record"),
        "versioned_release": tk._("Versioned release"),
    }
    return labels.get(kind, kind)


def layout_label(layout: str) -> str:
    labels = {
        "single": tk._("One JSON document"),
        "json_lines": tk._("JSON Lines"),
        "concatenated": tk._("Concatenated JSON"),
    }
    return labels.get(layout, layout)


# The descriptions stored with each group of errors and warnings are English: lib-cove's and
# jsonschema's messages, and the portal's own (ocds/validate.py). Each pattern gives the
# sentence in the visitor's language from the parts it captures.
def _description_patterns() -> list[tuple[re.Pattern[str], Callable[[dict[str, str]], str]]]:
    _ = tk._

    def element(text: str) -> Callable[[dict[str, str]], str]:
        # "Array element '3' is not ..." (lib-cove names the element by its index)
        return lambda parts: text.format(**parts)

    rules: list[tuple[str, Callable[[dict[str, str]], str]]] = [
        (r"'(?P<field>[^']*)' is missing but required within '(?P<parent>[^']*)'",
         lambda parts: _("'{field}' is missing but required within '{parent}'").format(**parts)),
        (r"'(?P<field>[^']*)' is missing but required",
         lambda parts: _("'{field}' is missing but required").format(**parts)),
        (r"Invalid 'uri' found", lambda parts: _("The value is not a valid URI")),
        (r"Date is not in the correct format|Incorrect date format\..*",
         lambda parts: _("The date is not in the correct format (YYYY-MM-DDThh:mm:ssZ)")),
        (r"Invalid code found in '(?P<field>[^']*)'",
         lambda parts: _("Invalid code in '{field}'").format(**parts)),
        (r"Array element '(?P<field>[^']*)' is not a string\..*",
         element(_("Element {field} of the list is not a text: it must be in quotes"))),
        (r"'(?P<field>[^']*)' is not a string\..*",
         lambda parts: _("'{field}' is not a text: it must be in quotes").format(**parts)),
        (r"(?:Array element )?'(?P<field>[^']*)' is not a integer\..*",
         lambda parts: _("'{field}' is not an integer: digits only, without quotes").format(**parts)),
        (r"(?:Array element )?'(?P<field>[^']*)' is not a number\..*",
         lambda parts: _("'{field}' is not a number: digits and a dot only, without quotes").format(**parts)),
        (r"(?:Array element )?'(?P<field>[^']*)' is not a JSON object",
         lambda parts: _("'{field}' is not a JSON object").format(**parts)),
        (r"(?:Array element )?'(?P<field>[^']*)' is not a JSON array",
         lambda parts: _("'{field}' is not a JSON array (a list)").format(**parts)),
        (r"Non-unique combination of (?P<field>.+) values",
         lambda parts: _("Repeated combination of {field} values").format(**parts)),
        (r"Non-unique (?P<field>\S+) values",
         lambda parts: _("Repeated '{field}' values").format(**parts)),
        (r"Array has non-unique elements", lambda parts: _("The list has repeated elements")),
        (r"(?P<value>.*) is too short", lambda parts: _("The value is too short or has too few items")),
        (r"(?P<value>.*) is too long", lambda parts: _("The value is too long or has too many items")),
        (r"(?P<value>.*) is not valid under any of the given schemas",
         lambda parts: _("The value matches none of the allowed forms")),
        (r"Additional properties are not allowed.*", lambda parts: _("Field not allowed here")),
        (r"(?P<value>.*) does not match .*", lambda parts: _("Value does not match the expected pattern")),
        (r"(?P<value>.*) is not one of .*", lambda parts: _("Value not allowed")),
        # ocds/validate.py's own descriptions
        (r"The file is not UTF-8", lambda parts: _("The file is not UTF-8")),
        (r"Versioned releases are validated only inside records",
         lambda parts: _("Versioned releases are validated only inside records")),
        (r"Unknown OCDS version", lambda parts: _("Unknown OCDS version")),
        (r"The schema could not be resolved", lambda parts: _("The schema could not be resolved")),
        (r"Code not in the closed codelist", lambda parts: _("Code not in the closed codelist")),
        (r"Code not in the open codelist", lambda parts: _("Code not in the open codelist")),
        (r"Field not in the schema", lambda parts: _("Field not in the schema")),
        (r"Deprecated field", lambda parts: _("Deprecated field")),
        (r"The OCID has no registered prefix format",
         lambda parts: _("The OCID has no registered prefix format")),
        (r"Empty field", lambda parts: _("Empty field")),
    ]
    return [(re.compile(pattern, re.DOTALL), sentence) for pattern, sentence in rules]


def error_description(description: str) -> tuple[str, bool]:
    """A stored error description in the visitor's language: ``(text, translated)``. A
    description no pattern knows comes back as it is, with ``translated`` False (the report
    marks it as English)."""
    text = (description or "").strip()
    for pattern, sentence in _description_patterns():
        match = pattern.fullmatch(text)
        if match:
            return sentence({k: v for k, v in match.groupdict().items() if v is not None}), True
    return text, False
