"""Parsing foreign DCAT with the profile chain: language-tagged literals become bilingual values,
other languages are left aside without a crash, codes map to the portal's codelists and values
that cannot be kept are reported on the dict instead of raising."""
from __future__ import annotations

from pathlib import Path

import pytest
from ckanext.dcat.processors import RDFParser

from ckanext.ogpcatalog.dcat.languages import harvest_language
from ckanext.ogpcatalog.dcat.profile import PARSE_ERRORS_KEY, PARSE_WARNINGS_KEY

DATA = Path(__file__).resolve().parents[2] / "data" / "dcat" / "profile"
PROFILES = ["euro_dcat_ap_3", "euro_dcat_ap_scheming", "ogpcatalog"]

pytestmark = pytest.mark.usefixtures("with_plugins")


def _parse(name: str) -> list[dict]:
    parser = RDFParser(profiles=PROFILES)
    parser.parse((DATA / name).read_text(encoding="utf-8"), _format="turtle")
    return list(parser.datasets())




def _catalan() -> dict:
    [dataset] = _parse("multilingual_ca_en_es.ttl")
    return dataset


def test_region_tagged_literals_become_spanish_and_english():
    dataset = _catalan()
    assert dataset["title_translated"] == {"es": "Calidad del aire", "en": "Air quality"}
    assert dataset["title"] == "Calidad del aire"


def test_catalan_text_is_left_aside_when_spanish_or_english_exists():
    dataset = _catalan()
    assert dataset["notes_translated"] == {"en": "Hourly measurements of the stations."}
    assert sorted(t["name"] for t in dataset["tags"]) == ["air quality", "calidad del aire"]


def test_authority_uris_become_codes_and_unknown_ones_are_warned_about():
    dataset = _catalan()
    assert dataset["theme"] == ["ENVI"]
    assert dataset["language"] == ["SPA"]  # Catalan is not in the portal's language list
    assert dataset["frequency"] == "DAILY"
    warned = {(w["field"], w["value"]) for w in dataset[PARSE_WARNINGS_KEY]}
    assert ("theme", "https://dades.example.cat/tema/medi-ambient") in warned
    assert ("language", "http://publications.europa.eu/resource/authority/language/CAT") in warned


def test_invalid_dates_are_reported_not_raised_and_left_out():
    dataset = _catalan()
    errors = {(e["field"], e["value"]) for e in dataset[PARSE_ERRORS_KEY]}
    assert ("issued", "2023-13-45") in errors
    assert ("temporal_coverage", "@@FECHA@@") in errors
    assert "issued" not in dataset
    assert dataset["modified"] == "2023-05-02"
    assert dataset["temporal_coverage"] == [{"start": "2020-01-01"}]
    assert all(e["message"] for e in dataset[PARSE_ERRORS_KEY])


def test_publisher_keeps_bilingual_name_and_legal_identifier():
    [publisher] = _catalan()["publisher"]
    assert publisher["name_translated"] == {"es": "Departamento de Territorio"}
    assert publisher["legal_identifier"] == "30546781235"
    assert publisher["legal_identifier_scheme"] == "AR-CUIT"


def test_resource_text_rights_format_and_language():
    [resource] = _catalan()["resources"]
    assert resource["name"] == "Mediciones (CSV)"
    assert resource["format"] == "CSV"
    assert resource["language"] == ["SPA"]
    assert resource["rights"] == {"es": "Cite la fuente"}
    assert resource["url"] == "https://dades.example.cat/files/aire.csv"


def test_record_without_spanish_keeps_english_and_falls_back_for_description():
    [dataset] = _parse("multilingual_de_fr_it_en.ttl")
    assert dataset["title_translated"] == {"en": "Population"}
    # no es/en description: one of the other texts is kept, flagged
    assert dataset["notes_translated"] == {"es": "Ständige Wohnbevölkerung."}
    assert {w["field"] for w in dataset[PARSE_WARNINGS_KEY]} >= {"notes"}
    assert dataset["issued"] == "2019-03-01"
    assert [t["name"] for t in dataset["tags"]] == ["population"]
    assert dataset[PARSE_ERRORS_KEY] == []


def test_untagged_literals_are_in_the_portal_default_language():
    [dataset] = _parse("untagged.ttl")
    assert dataset["title_translated"] == {"es": "Budget 2024"}
    assert dataset["issued"] == "2024-01-01"
    assert dataset["modified"] == "2024-07-01"


def test_untagged_literals_take_the_harvest_source_language():
    with harvest_language("en-US"):
        [dataset] = _parse("untagged.ttl")
    assert dataset["title_translated"] == {"en": "Budget 2024"}
    assert dataset["notes_translated"] == {"en": "Approved budget by programme."}
    # CKAN's plain title holds the default language's text, else the one there is
    assert dataset["title"] == "Budget 2024"


def test_untyped_record_takes_the_type_the_parser_was_set_up_with():
    parser = RDFParser(profiles=PROFILES, dataset_type="procurement")
    parser.parse((DATA / "untagged.ttl").read_text(encoding="utf-8"), _format="turtle")
    [dataset] = parser.datasets()
    assert dataset["type"] == "procurement"
