"""Language tags of harvested metadata and the default language of untagged literals."""
from __future__ import annotations

import pytest

from ckanext.ogpcatalog.dcat.languages import (
    current_default_language, harvest_language, normalize_language_tag)


@pytest.mark.parametrize("tag", [
    "es", "ES", "es-EC", "es-419", "es_AR", "spa", "SPA",
    "http://publications.europa.eu/resource/authority/language/SPA"])
def test_spanish_tags_normalise_to_es(tag):
    assert normalize_language_tag(tag) == "es"


@pytest.mark.parametrize("tag", [
    "en", "EN", "eN", "en-GB", "en-US", "eng",
    "http://publications.europa.eu/resource/authority/language/ENG"])
def test_english_tags_normalise_to_en(tag):
    assert normalize_language_tag(tag) == "en"


@pytest.mark.parametrize("tag", ["ca", "de-CH", "fra", "ita"])
def test_other_languages_keep_their_own_code(tag):
    assert normalize_language_tag(tag) not in (None, "es", "en")


@pytest.mark.parametrize("tag", ["", None, "und", "zxx", "12", "español", "es EC"])
def test_unknown_or_malformed_tags_give_none(tag):
    assert normalize_language_tag(tag) is None


@pytest.mark.ckan_config("ckan.locale_default", "es")
def test_default_language_is_the_portal_default_outside_a_harvest():
    assert current_default_language() == "es"


@pytest.mark.ckan_config("ckan.locale_default", "es")
def test_harvest_language_applies_inside_the_block_only():
    with harvest_language("en-US") as language:
        assert language == "en"
        assert current_default_language() == "en"
        with harvest_language("spa"):
            assert current_default_language() == "es"
        assert current_default_language() == "en"
    assert current_default_language() == "es"


@pytest.mark.ckan_config("ckan.locale_default", "es")
def test_unknown_harvest_language_leaves_the_portal_default():
    with harvest_language("not a tag"):
        assert current_default_language() == "es"


@pytest.mark.ckan_config("ckan.locale_default", "es")
def test_source_in_another_language_sets_that_language():
    # untagged literals of a German source are German: the profile leaves them aside
    with harvest_language("de"):
        assert current_default_language() == "de"
