"""The shared validators of the presets: URLs, references to datasets and institutions."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.ogpcatalog.logic import validators as v


@pytest.mark.parametrize("value", ["https://datos.gob.ec/", "http://example.org/a?b=c", "", None])
def test_url_accepts_http_and_https_and_empty(value):
    assert v.ogpcatalog_url(value) == (value.strip() if isinstance(value, str) else value)


@pytest.mark.parametrize("value", ["ftp://example.org", "datos.gob.ec", "https://", "http://a b.org",
                                   "javascript:alert(1)"])
def test_url_rejects_what_is_not_an_absolute_web_address(value):
    with pytest.raises(tk.Invalid, match="URL"):
        v.ogpcatalog_url(value)


def test_list_output_reads_json_lists_and_lists():
    assert v.ogpcatalog_list_output('["a", "b"]') == ["a", "b"]
    assert v.ogpcatalog_list_output(["a"]) == ["a"]


@pytest.mark.usefixtures("with_plugins", "clean_db")
class TestReferences:
    def _refs(self, value, key=("evidence",)):
        data, errors = {key: value}, {key: []}
        try:
            v.ogpcatalog_dataset_refs(key, data, errors, {"model": model})
        except tk.StopOnError:
            pass
        return data.get(key), errors[key]

    def test_dataset_refs_are_stored_as_names_by_name_or_id(self):
        first, second = factories.Dataset(), factories.Dataset()
        stored, errors = self._refs([first["id"], second["name"], first["name"]])
        assert errors == []
        assert stored == f'["{first["name"]}", "{second["name"]}"]'

    def test_dataset_refs_inside_a_repeating_item_stay_a_list(self):
        dataset = factories.Dataset()
        stored, errors = self._refs(dataset["name"], key=("milestones", 0, "evidence"))
        assert stored == [dataset["name"]] and errors == []

    def test_unknown_and_deleted_datasets_are_named_in_the_error(self):
        deleted = factories.Dataset(state="deleted")
        stored, errors = self._refs(["no-existe", deleted["name"]])
        assert "no-existe" in errors[0] and deleted["name"] in errors[0]

    def test_institution_ref_by_id_is_stored_as_name(self):
        org = factories.Organization()
        assert v.ogpcatalog_institution_ref(org["id"], {"model": model}) == org["name"]

    def test_a_group_is_not_an_institution(self):
        group = factories.Group()
        with pytest.raises(tk.Invalid, match=group["name"]):
            v.ogpcatalog_institution_ref(group["name"], {"model": model})
