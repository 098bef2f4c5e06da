"""Reading OCDS files: encodings, layouts (one document, JSON Lines, concatenated) and kinds."""
from __future__ import annotations

import pytest

from ckanext.ogpcatalog.ocds import detect

from .conftest import fixture_bytes


def test_release_package_is_one_document():
    parsed = detect.detect(fixture_bytes("release-package-valid.json"))
    assert (parsed.kind, parsed.layout, parsed.encoding) == (detect.RELEASE_PACKAGE, detect.SINGLE, "utf-8")


def test_record_package_is_detected():
    assert detect.detect(fixture_bytes("record-package-valid.json")).kind == detect.RECORD_PACKAGE


def test_json_lines_of_releases():
    parsed = detect.detect(fixture_bytes("releases.jsonl"))
    assert parsed.layout == detect.JSON_LINES
    assert parsed.kinds == [detect.RELEASE, detect.RELEASE]


def test_concatenated_packages_on_one_line():
    parsed = detect.detect(fixture_bytes("concatenated-packages.json"))
    assert parsed.layout == detect.CONCATENATED
    assert parsed.kinds == [detect.RELEASE_PACKAGE, detect.RELEASE_PACKAGE]


def test_top_level_array_of_releases_is_a_stream():
    parsed = detect.detect(b'[{"ocid": "ocds-abc123-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}]')
    assert parsed.kinds == [detect.RELEASE]


def test_compiled_release():
    parsed = detect.detect(b'{"ocid": "ocds-abc123-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["compiled"]}')
    assert parsed.kind == detect.COMPILED_RELEASE


def test_iso_8859_1_is_read_and_reported():
    parsed = detect.detect(fixture_bytes("release-package-latin1.json"))
    assert parsed.encoding == "iso-8859-1"
    assert parsed.values[0]["publisher"]["name"].startswith("Servicio Nacional de Compras Públicas")


def test_utf8_bom_is_accepted():
    parsed = detect.detect(b"\xef\xbb\xbf" + fixture_bytes("release-package-valid.json"))
    assert parsed.encoding == "utf-8"


@pytest.mark.parametrize("name, code", [
    ("empty.json", "empty"),
    ("not-json.json", "not_json"),
    ("not-ocds.json", "not_ocds"),
])
def test_bad_files_are_problems_with_a_code(name, code):
    with pytest.raises(detect.FileProblem) as error:
        detect.detect(fixture_bytes(name))
    assert error.value.code == code


def test_not_json_names_line_and_column():
    with pytest.raises(detect.FileProblem) as error:
        detect.detect(b'{"releases": [}\n')
    assert error.value.params["line"] == 1 and error.value.params["column"] == 15


def test_whitespace_only_is_empty():
    with pytest.raises(detect.FileProblem) as error:
        detect.detect(b"  \n\t ")
    assert error.value.code == "empty"
