"""Codelists: every file is well formed, bilingual, sourced and versioned."""
from __future__ import annotations

import re

import pytest

from ckanext.ogpcatalog import codelists
from ckanext.ogpcatalog.codelists import CodelistError

EXPECTED = {"eu-data-theme", "frequency", "ocds-method", "ocds-category", "ocds-stage",
            "ocds-package-type", "ogp-value", "ogp-policy-area", "irm-legacy", "irm-2021",
            "institution-type", "government-level", "commitment-status", "supporting-institution-kind",
            "sector", "legal-identifier-scheme", "language", "access-right", "action-plan-scope",
            "yes-no"}


def test_the_codelists_of_the_metadata_model_are_all_there():
    assert EXPECTED <= set(codelists.names())


@pytest.mark.parametrize("name", codelists.names())
def test_every_codelist_loads_with_source_version_and_bilingual_labels(name):
    codelist = codelists.get(name)

    assert codelist.source and codelist.version
    assert codelist.codes
    for code in codelist.codes:
        assert code.label["es"].strip() and code.label["en"].strip()


def test_ocds_method_matches_the_standard_closed_codelist():
    assert [c.code for c in codelists.get("ocds-method").codes] == ["open", "selective", "limited", "direct"]


def test_eu_data_themes_are_the_thirteen_of_the_authority_table():
    assert len(codelists.get("eu-data-theme").codes) == 13


def test_frequency_periods_are_iso_8601_durations():
    for code in codelists.get("frequency").codes:
        period = code.extra.get("period")
        if period is not None:
            assert re.fullmatch(r"P(\d+[YMWD])+|PT\d+[HMS]", period), code.code


def test_irm_scales_select_their_own_codes():
    completion = codelists.choices("irm-legacy", scale="completion")

    assert [c["value"] for c in completion] == [
        "completion-no-evidence", "completion-not-started", "completion-limited",
        "completion-substantial", "completion-complete"]
    assert completion[0]["label"] == {"es": "Sin evidencia", "en": "No evidence available"}


def test_label_in_the_visitors_language_and_unknown_codes_as_themselves():
    assert codelists.label("ocds-category", "works", "es") == "Obras"
    assert codelists.label("ocds-category", "works", "en") == "Works"
    assert codelists.label("ocds-category", "spaceships", "es") == "spaceships"


def test_a_malformed_codelist_is_reported_with_its_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\ntitle: {es: a, en: b}\nsource: x\nversion: '1'\n"
                    "codes:\n  - {code: a, label: {es: A}}\n", encoding="utf-8")

    with pytest.raises(CodelistError, match="broken.yaml: code 'a' has no label in en"):
        codelists._parse(path, __import__("yaml").safe_load(path.read_text()))
