"""Validate OCDS data with libcoveocds, offline, and condense its report.

libcoveocds gets the standard from the local ZIP (:mod:`.standard`); the ``extensions`` a file
declares are not fetched (the portal has no network to their hosts): they are listed in the
summary as not applied. Errors are grouped by type, field and message with a count and a few
short examples, so the stored summary stays small whatever the size of the file.
"""
from __future__ import annotations

import functools
import json
from typing import Any

import jsonref
from libcoveocds.common_checks import common_checks_ocds
from libcoveocds.exceptions import OCDSVersionError
from libcoveocds.lib.api import context_api_transform
from libcoveocds.schema import SchemaOCDS

from ckanext.ogpcatalog.ocds import detect, standard

MAX_GROUPS = 50
MAX_EXAMPLES = 3
MAX_VALUE_CHARS = 80
KNOWN_VERSIONS = ("1.0", "1.1")


class OfflineSchemaOCDS(SchemaOCDS):
    """libcoveocds' schema whose ``$ref`` resolution reads the standard's ZIP, never the web.

    Upstream dereferences the record package schema with jsonref's default loader, which fetches
    ``versioned-release-validation-schema.json`` from standard.open-contracting.org.
    """

    def _local_loader(self, uri: str, **_kwargs: Any) -> Any:
        basename = uri.split("#", 1)[0].rsplit("/", 1)[-1]
        if basename in ("versioned-release-validation-schema.json", "release-schema.json"):
            return json.loads(self.builder.get_standard_file_contents(basename))
        raise ValueError(f"offline: refusing to fetch {uri}")

    @functools.lru_cache  # noqa: B019 (as upstream: one schema object per validation)
    def get_pkg_schema_obj(self, *, deref=False, use_extensions=True, proxies=False):
        if not deref or self.package_schema_name != "record-package-schema.json":
            return super().get_pkg_schema_obj(deref=deref, use_extensions=use_extensions, proxies=proxies)
        schema = self._get_schema(self.package_schema_name)
        patched = self.get_schema_obj(deref=True, proxies=proxies)
        schema["definitions"]["record"]["properties"]["compiledRelease"] = patched
        schema["definitions"]["record"]["properties"]["releases"]["oneOf"][1]["items"] = patched
        return jsonref.replace_refs(schema, loader=self._local_loader, **self._jsonref_kwarg(proxies=proxies))


def libcove_context(package: dict, config, *, record_pkg: bool, select_version: str | None = None) -> dict:
    """libcoveocds' API-context report of one package (what ``ocds_json_output`` returns)."""
    schema_data = {key: value for key, value in package.items() if key != "extensions"}
    schema_obj = OfflineSchemaOCDS(select_version, schema_data, config, record_pkg=record_pkg)
    context: dict[str, Any] = {"file_type": "json"}
    context_api_transform(common_checks_ocds(context, "", package, schema_obj, cache=False))
    if schema_obj.json_deref_error:
        context["json_deref_error"] = schema_obj.json_deref_error
    return context


def _wrap(values: list[Any], kinds: list[str]) -> list[tuple[dict, bool]]:
    """The packages to validate: packages as they are; loose releases or records in one
    package each kind (marked ``wrapped``)."""
    packages: list[tuple[dict, bool]] = []
    releases = [v for v, k in zip(values, kinds) if k in (detect.RELEASE, detect.COMPILED_RELEASE)]
    records = [v for v, k in zip(values, kinds) if k == detect.RECORD]
    for value, kind in zip(values, kinds):
        if kind in detect.PACKAGES:
            packages.append((value, kind == detect.RECORD_PACKAGE))
    for items, key in ((releases, "releases"), (records, "records")):
        if items:
            packages.append(({"uri": "urn:ogpcatalog:wrapped", "version": "1.1",
                              "publishedDate": "1970-01-01T00:00:00Z", "publisher": {"name": "-"},
                              key: items, "_wrapped": True}, key == "records"))
    return packages


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


class _Groups:
    def __init__(self) -> None:
        self.groups: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(self, kind: str, field: str, description: str, path: str = "", value: Any = "",
            package: int | None = None, count: int = 1) -> None:
        group = self.groups.setdefault((kind, field, description), {
            "type": kind, "field": field, "description": description, "count": 0, "examples": []})
        group["count"] += count
        if len(group["examples"]) < MAX_EXAMPLES:
            example = {"path": str(path), "value": _short(value)}
            if package is not None:
                example["package"] = package
            group["examples"].append(example)

    def result(self) -> tuple[int, list[dict[str, Any]], bool]:
        ordered = sorted(self.groups.values(), key=lambda g: (-g["count"], g["type"], g["field"]))
        total = sum(g["count"] for g in ordered)
        return total, ordered[:MAX_GROUPS], len(ordered) > MAX_GROUPS


def validate(parsed: detect.Parsed, location: str | None = None) -> dict[str, Any]:
    """The validation part of a summary: version, validity, grouped errors, warnings."""
    config = standard.libcove_config(location)
    errors, warnings = _Groups(), _Groups()
    declared: set[str] = set()
    extensions: set[str] = set()
    packages = _wrap(parsed.values, parsed.kinds)
    many = len(packages) > 1
    if parsed.encoding != "utf-8":
        errors.add("encoding", "", "The file is not UTF-8", value=parsed.encoding)
    if not packages:
        errors.add("not_validated", "", "Versioned releases are validated only inside records")
    for number, (package, record_pkg) in enumerate(packages, start=1):
        index = number if many else None
        wrapped = bool(package.pop("_wrapped", False))
        version = package.get("version") if not wrapped else None
        select_version = None
        if version is not None:
            declared.add(str(version))
            if version not in KNOWN_VERSIONS:
                errors.add("unknown_version", "version", "Unknown OCDS version", "version", version, index)
                select_version = standard.SCHEMA_VERSION
            elif version == "1.0":
                select_version = standard.SCHEMA_VERSION
        for extension in package.get("extensions") or [] if isinstance(package.get("extensions"), list) else []:
            if isinstance(extension, str):
                extensions.add(extension)
        try:
            context = libcove_context(package, config, record_pkg=record_pkg, select_version=select_version)
        except OCDSVersionError:
            errors.add("unknown_version", "version", "Unknown OCDS version", "version", version, index)
            continue
        if context.get("json_deref_error"):
            errors.add("schema", "", "The schema could not be resolved", value=context["json_deref_error"], package=index)
        for error in context.get("validation_errors", []):
            errors.add(error["type"], error["field"], error["description"], error.get("path", ""),
                       error.get("value", ""), index)
        for (path, codelist_field, _codelist), info in _codelist_values(context, "additional_closed_codelist_values"):
            for code in info.get("values", []):
                errors.add("closed_codelist", info.get("field", codelist_field) or path, "Code not in the closed codelist",
                           _codelist_path(info, path), code, index)
        for (path, codelist_field, _codelist), info in _codelist_values(context, "additional_open_codelist_values"):
            for code in info.get("values", []):
                warnings.add("open_codelist", info.get("field", codelist_field) or path,
                             "Code not in the open codelist", _codelist_path(info, path), code, index)
        for item in context.get("additional_fields", []):
            warnings.add("additional_field", item.get("field", ""), "Field not in the schema",
                         item.get("path", ""), "", index, count=item.get("usage_count", 1) or 1)
        for item in context.get("deprecated_fields", []):
            warnings.add("deprecated_field", item.get("field", ""), "Deprecated field",
                         ", ".join(map(str, item.get("paths", [])[:1])), "", index)
        bad_prefixes = (context.get("conformance_errors") or {}).get("ocds_prefixes_bad_format") or []
        for value, path in bad_prefixes:
            warnings.add("ocid_prefix", "ocid", "The OCID has no registered prefix format", path, value, index)
        for check, items in (context.get("additional_checks") or {}).items():
            for item in items:
                warnings.add(str(check), "", "Empty field", item.get("json_location", ""), "", index)
    error_count, error_groups, errors_truncated = errors.result()
    warning_count, warning_groups, warnings_truncated = warnings.result()
    return {
        "schema_version": standard.SCHEMA_VERSION,
        "declared_versions": sorted(declared),
        "valid": error_count == 0,
        "error_count": error_count,
        "errors": error_groups,
        "errors_truncated": errors_truncated,
        "warning_count": warning_count,
        "warnings": warning_groups,
        "warnings_truncated": warnings_truncated,
        "extensions_not_applied": sorted(extensions),
    }


def _codelist_values(context: dict, key: str):
    values = context.get(key) or {}
    for path, info in values.items():
        yield (path, info.get("field", ""), info.get("codelist", "")), info


def _codelist_path(info: dict, path: str) -> str:
    """libcove gives the codelist field's parent path without array indexes (``releases/tender``)."""
    parent, field = info.get("path", path), info.get("field", "")
    return f"{parent}/{field}" if parent and field else parent or field
