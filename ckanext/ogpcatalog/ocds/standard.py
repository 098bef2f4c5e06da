"""The OCDS standard (schemas and codelists) for libcoveocds, read from local files only.

libcoveocds (through ocdsextensionregistry's ``ProfileBuilder``) downloads a ZIP of the
standard's repository from GitHub unless its ``standard_zip`` setting names one. No package on
PyPI ships the OCDS 1.1 release schema, so the portal is given the schema by configuration:
``ckanext.ogpcatalog.ocds.standard_zip`` is either a ZIP of the standard repository (as
published at ``codeload.github.com/open-contracting/standard/zip/1__1__5``) or a directory holding
``release-schema.json``, ``release-package-schema.json``, ``record-package-schema.json`` and the
codelists (``*.csv``, directly or under ``codelists/``). A directory is packed, once per process,
into the ZIP layout libcoveocds expects (``<root>/schema/...``); a missing
``versioned-release-validation-schema.json`` is generated from the release schema.
"""
from __future__ import annotations

import io
import json
import os
import threading
import zipfile
from pathlib import Path

import ckan.plugins.toolkit as tk

CONFIG_KEY = "ckanext.ogpcatalog.ocds.standard_zip"
STANDARD_TAG = "1__1__5"
SCHEMA_VERSION = "1.1"
REQUIRED_FILES = ("release-schema.json", "release-package-schema.json", "record-package-schema.json")

_lock = threading.Lock()
_cache: dict[tuple[str, float], bytes] = {}


class StandardNotConfigured(Exception):
    """The OCDS schema is not available locally (setting missing or wrong)."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(message)
        self.location = location


def configured_location() -> str:
    return (tk.config.get(CONFIG_KEY) or "").strip()


def standard_zip(location: str | None = None) -> bytes:
    """The bytes of a standard-repository ZIP that ``ProfileBuilder`` reads without network."""
    location = configured_location() if location is None else location
    if not location:
        raise StandardNotConfigured("not_configured")
    path = Path(location)
    if not path.exists():
        raise StandardNotConfigured("missing", location)
    key = (str(path.resolve()), path.stat().st_mtime)
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _read_zip(path) if path.is_file() else _pack_directory(path)
            _cache.clear()
            _cache[key] = cached
    return cached


def _read_zip(path: Path) -> bytes:
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as error:
        raise StandardNotConfigured("bad_zip", str(path)) from error
    if not names or not any(name.endswith("schema/release-schema.json") for name in names):
        raise StandardNotConfigured("bad_zip", str(path))
    return data


def _pack_directory(path: Path) -> bytes:
    """The directory's schema files in the layout of the standard's repository ZIP."""
    files: dict[str, bytes] = {}
    for name in REQUIRED_FILES:
        candidates = [path / name, path / "schema" / name]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise StandardNotConfigured("incomplete", str(path))
        files[name] = found.read_bytes()
    base = path / "schema" if (path / "schema").is_dir() else path
    for csv_path in sorted([*base.glob("*.csv"), *base.glob("codelists/*.csv")]):
        files[f"codelists/{csv_path.name}"] = csv_path.read_bytes()
    versioned = base / "versioned-release-validation-schema.json"
    if versioned.is_file():
        files[versioned.name] = versioned.read_bytes()
    else:
        from ocdsextensionregistry.versioned_release_schema import get_versioned_release_schema

        release_schema = json.loads(files["release-schema.json"])
        files[versioned.name] = json.dumps(
            get_versioned_release_schema(release_schema, STANDARD_TAG)
        ).encode("utf-8")
    buffer = io.BytesIO()
    root = f"standard-{STANDARD_TAG}/"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ProfileBuilder takes the first entry as the root directory.
        archive.writestr(root, b"")
        archive.writestr(f"{root}schema/", b"")
        for name, content in sorted(files.items()):
            archive.writestr(f"{root}schema/{name}", content)
    return buffer.getvalue()


def libcove_config(location: str | None = None):
    """A libcoveocds configuration that never reaches the network: API context, the standard
    from the local ZIP, OCDS 1.1 only (1.0 data without a ``version`` is read as 1.1, as
    libcoveocds does)."""
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig()
    config.config["context"] = "api"
    config.config["standard_zip"] = standard_zip(location)
    config.config["schema_version"] = SCHEMA_VERSION
    config.config["schema_version_choices"] = {
        SCHEMA_VERSION: config.config["schema_version_choices"][SCHEMA_VERSION]
    }
    return config


def corpus_schema_dir() -> str:
    """Where the project's shared corpus keeps the 1.1.5 schema (tests and benchmarks)."""
    root = Path(__file__).resolve().parents[3]
    return os.environ.get("OGPCATALOG_OCDS_SCHEMA_DIR", str(root.parent / "shared" / "corpus" / "ocds" / "schema-1.1.5"))
