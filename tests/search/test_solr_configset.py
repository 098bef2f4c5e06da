"""The portal's Solr configset (solr/configsets/ckan/conf), read as files: no Solr needed.

It is what the tests start (scripts/solr.sh) and what production mounts (docker/), so the
fields the index hook writes must be declared in it as Solr needs them."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ckan.lib.search import SUPPORTED_SCHEMA_VERSIONS

from ckanext.ogpcatalog.search.index_fields import multivalued_index_fields

CONF = Path(__file__).resolve().parents[2] / "solr" / "configsets" / "ckan" / "conf"


def _schema() -> ET.Element:
    return ET.parse(CONF / "managed-schema.xml").getroot()


def _fields() -> dict[str, dict[str, str]]:
    return {f.get("name"): f.attrib for f in _schema().iter("field")}


@pytest.mark.usefixtures("with_plugins")
def test_every_list_field_of_the_index_hook_is_declared_multivalued():
    fields = _fields()
    for name in multivalued_index_fields():
        assert name in fields, f"{name} is missing from managed-schema.xml"
        assert fields[name].get("multiValued") == "true", name
        assert fields[name].get("type") == "string", name


@pytest.mark.usefixtures("with_plugins")
def test_the_schema_declares_no_list_field_the_hook_does_not_write():
    declared = {name for name, attrs in _fields().items()
                if attrs.get("type") == "string" and attrs.get("multiValued") == "true"
                and attrs.get("stored") == "false"}
    ckan_own = {"permission_labels"}
    assert declared - ckan_own == set(multivalued_index_fields())


def test_the_schema_is_ckans_by_name_so_ckan_accepts_it():
    name = _schema().get("name")
    assert name.startswith("ckan-") and name[len("ckan-"):] in SUPPORTED_SCHEMA_VERSIONS


def test_text_is_analysed_in_spanish_and_english_with_accent_folding():
    text = next(t for t in _schema().iter("fieldType") if t.get("name") == "text")
    for analyzer in text.iter("analyzer"):
        filters = [f.get("class") for f in analyzer.iter("filter")]
        stemmers = [f.get("language") for f in analyzer.iter("filter")
                    if f.get("class") == "solr.SnowballPorterFilterFactory"]
        assert "solr.ASCIIFoldingFilterFactory" in filters
        assert stemmers == ["Spanish", "English"]
        assert filters.index("solr.ASCIIFoldingFilterFactory") < filters.index(
            "solr.SnowballPorterFilterFactory")


def test_the_configset_files_the_schema_names_exist():
    for attribute in ("synonyms", "protected", "words"):
        for element in _schema().iter("filter"):
            if element.get(attribute):
                assert (CONF / element.get(attribute)).is_file(), element.get(attribute)
    assert (CONF / "solrconfig.xml").is_file()
    ET.parse(CONF / "solrconfig.xml")
