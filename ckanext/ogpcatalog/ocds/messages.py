"""Human messages of the OCDS summaries, translated when shown (stored as codes + parameters)."""
from __future__ import annotations

from typing import Any

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
