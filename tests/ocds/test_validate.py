"""Validation with libcoveocds against the offline schema, and the figures of the summary."""
from __future__ import annotations

import io
import zipfile

import pytest

from ckanext.ogpcatalog.ocds import jobs, standard

from .conftest import fixture_bytes


def _analyse(name: str, location: str) -> dict:
    return jobs.analyse(fixture_bytes(name), location)


def test_directory_is_packed_in_the_standard_zip_layout(schema_dir):
    with zipfile.ZipFile(io.BytesIO(standard.standard_zip(schema_dir))) as archive:
        names = archive.namelist()
    assert names[0] == "standard-1__1__5/"
    assert "standard-1__1__5/schema/release-schema.json" in names
    assert "standard-1__1__5/schema/versioned-release-validation-schema.json" in names
    assert "standard-1__1__5/schema/codelists/method.csv" in names


def test_a_zip_file_is_accepted_as_the_standard(standard_zip_path):
    result = _analyse("release-package-valid.json", standard_zip_path)
    assert result["valid"] is True


def test_missing_schema_is_a_clear_error(tmp_path):
    with pytest.raises(standard.StandardNotConfigured) as error:
        jobs.analyse(fixture_bytes("release-package-valid.json"), str(tmp_path / "nowhere"))
    assert str(error.value) == "missing"


def test_unconfigured_schema_is_a_clear_error():
    with pytest.raises(standard.StandardNotConfigured):
        standard.standard_zip("")


def test_valid_release_package_offline(schema_dir, no_network):
    result = _analyse("release-package-valid.json", schema_dir)
    assert result["valid"] is True
    assert result["error_count"] == 0 and result["errors"] == []
    assert result["schema_version"] == "1.1"
    assert no_network == []


def test_record_package_validates_without_fetching_the_versioned_schema(schema_dir, no_network):
    # Upstream libcoveocds fetches versioned-release-validation-schema.json for records.
    result = _analyse("record-package-valid.json", schema_dir)
    assert result["valid"] is True
    assert no_network == []


def test_declared_extensions_are_listed_not_fetched(schema_dir, no_network):
    data = fixture_bytes("release-package-valid.json").replace(
        b'"version": "1.1",',
        b'"version": "1.1", "extensions": ["https://extensions.example.org/lots/extension.json"],', 1)
    result = jobs.analyse(data, schema_dir)
    assert result["extensions_not_applied"] == ["https://extensions.example.org/lots/extension.json"]
    assert no_network == []


def test_invalid_file_errors_are_grouped_with_counts_and_examples(schema_dir):
    result = _analyse("release-package-invalid.json", schema_dir)
    assert result["valid"] is False
    groups = {(g["type"], g["field"]): g for g in result["errors"]}
    missing_ids = groups[("required", "releases")]
    assert missing_ids["count"] == 2
    assert len(missing_ids["examples"]) == 2
    assert groups[("closed_codelist", "procurementMethod")]["examples"][0]["value"] == "subasta"
    assert groups[("closed_codelist", "procurementMethod")]["examples"][0]["path"] == "releases/tender/procurementMethod"
    assert ("date-time", "releases/date") in groups
    assert result["error_count"] == sum(g["count"] for g in result["errors"])


def test_examples_are_capped(schema_dir):
    releases = ",".join('{"ocid": "ocds-abc123-%d", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],'
                        ' "initiationType": "tender"}' % n for n in range(40))
    data = ('{"uri": "https://x.example/p.json", "version": "1.1", "publishedDate": "2024-01-01T00:00:00Z",'
            ' "publisher": {"name": "x"}, "releases": [%s]}' % releases).encode()
    group = next(g for g in jobs.analyse(data, schema_dir)["errors"] if g["type"] == "required")
    assert group["count"] == 40
    assert len(group["examples"]) == 3


def test_iso_8859_1_file_is_invalid_with_an_encoding_error(schema_dir):
    result = _analyse("release-package-latin1.json", schema_dir)
    assert result["valid"] is False
    assert [g["type"] for g in result["errors"]] == ["encoding"]
    assert result["releases"] == 1


def test_unknown_version_is_an_error_and_validates_against_1_1(schema_dir):
    result = _analyse("unknown-version.json", schema_dir)
    assert result["valid"] is False
    assert result["declared_versions"] == ["9.9"]
    assert any(g["type"] == "unknown_version" for g in result["errors"])


def test_concatenated_packages_are_each_validated(schema_dir):
    result = _analyse("concatenated-packages.json", schema_dir)
    assert (result["layout"], result["items"], result["valid"]) == ("concatenated", 2, True)
    assert result["releases"] == 2


def test_json_lines_of_releases_are_validated_as_releases(schema_dir):
    result = _analyse("releases.jsonl", schema_dir)
    assert (result["kind"], result["layout"], result["valid"]) == ("release", "json_lines", True)


def test_errors_in_one_of_several_packages_name_the_package(schema_dir):
    broken = fixture_bytes("release-package-invalid.json").replace(b"\n", b" ")
    data = fixture_bytes("release-package-valid.json").replace(b"\n", b" ") + b"\n" + broken
    result = jobs.analyse(data, schema_dir)
    assert result["valid"] is False
    assert {e.get("package") for g in result["errors"] for e in g["examples"]} == {2}


# --- the figures ---

def test_summary_figures_of_a_release_package(schema_dir):
    result = _analyse("release-package-valid.json", schema_dir)
    assert result["kind"] == "release_package"
    assert (result["releases"], result["records"], result["ocids"]) == (4, 0, 2)
    assert result["ocid_prefixes"] == ["ocds-abc123"]
    assert (result["date_start"], result["date_end"]) == ("2024-02-01", "2024-11-20")
    assert result["stages"] == ["tender", "award", "contract"]
    assert "contractAmendment" in result["tags"]
    assert result["methods"] == ["direct", "open"]
    assert result["categories"] == ["goods", "services"]
    # The amended contract counts once, at its latest value: 100000 + 6200.
    assert result["contract_totals"] == [{"currency": "USD", "amount": "106200", "count": 2}]
    assert result["award_totals"] == [{"currency": "USD", "amount": "104700.5", "count": 2}]


def test_summary_of_a_record_package_reads_the_compiled_release(schema_dir):
    result = _analyse("record-package-valid.json", schema_dir)
    assert (result["releases"], result["records"], result["ocids"]) == (0, 1, 1)
    assert result["methods"] == ["direct"]
    assert result["contract_totals"][0]["amount"] == "6200"


def test_malformed_dates_do_not_enter_the_range(schema_dir):
    result = _analyse("release-package-invalid.json", schema_dir)
    assert (result["date_start"], result["date_end"]) == ("2024-05-01", "2024-05-02")


def test_a_lone_versioned_release_is_not_reported_valid(schema_dir):
    result = jobs.analyse(b'{"ocid": "ocds-abc123-1", "tender": [{"releaseID": "1", "value": {}}]}', schema_dir)
    assert result["kind"] == "versioned_release"
    assert result["valid"] is False
    assert [g["type"] for g in result["errors"]] == ["not_validated"]
