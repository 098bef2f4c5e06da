"""Production runs Solr: the fields the index hook writes as lists are declared multi-valued
in the core's schema. Solr cannot run on this machine, so its Schema API is played by
`responses` (the request and answer shapes of Solr 9's /schema/fields and /schema)."""
from __future__ import annotations

import json

import pytest
import responses

from ckanext.ogpcatalog.search import solr_admin as solr
from ckanext.ogpcatalog.search.index_fields import multivalued_index_fields

SOLR = "http://solr.invalid:8983/solr/ckan"


@pytest.mark.usefixtures("with_plugins")
def test_every_list_field_of_every_type_is_declared():
    names = multivalued_index_fields()
    for expected in ("theme", "procurement_methods", "currencies", "ocid_prefixes", "ogp_values",
                     "policy_areas", "milestones_evidence_datasets", "milestones_status",
                     "supporting_institutions_kind", "buyer"):
        assert expected in names
    assert "title_translated" not in names and "ogp_id" not in names


@responses.activate
def test_missing_fields_are_added_single_valued_ones_replaced_others_kept():
    responses.get(f"{SOLR}/schema/fields", json={"fields": [
        {"name": "theme", "type": "string", "multiValued": True},
        {"name": "stages", "type": "string"}]})
    responses.post(f"{SOLR}/schema", json={"responseHeader": {"status": 0}})
    result = solr.ensure_fields(SOLR, ["theme", "stages", "procurement_methods"])
    assert result == {"added": ["procurement_methods"], "replaced": ["stages"], "kept": ["theme"]}
    sent = json.loads(responses.calls[1].request.body)
    assert sent == {"add-field": [solr.field_definition("procurement_methods")],
                    "replace-field": [solr.field_definition("stages")]}
    assert sent["add-field"][0]["multiValued"] is True


@responses.activate
def test_nothing_is_sent_when_every_field_is_declared():
    responses.get(f"{SOLR}/schema/fields", json={"fields": [{"name": "theme", "multiValued": True}]})
    assert solr.ensure_fields(SOLR, ["theme"])["kept"] == ["theme"]
    assert len(responses.calls) == 1


@responses.activate
def test_a_refused_change_is_reported_with_solrs_reason():
    responses.get(f"{SOLR}/schema/fields", json={"fields": []})
    responses.post(f"{SOLR}/schema", status=400, json={"errors": [{"errorMessages": ["bad type"]}]})
    with pytest.raises(solr.SolrSchemaError, match="bad type"):
        solr.ensure_fields(SOLR, ["theme"])


def test_an_unreachable_solr_is_reported_with_its_url():
    with pytest.raises(solr.SolrSchemaError, match="127.0.0.1:9"):
        solr.ensure_fields("http://127.0.0.1:9/solr/ckan", ["theme"], timeout=2)


@pytest.mark.usefixtures("with_plugins")
def test_command_does_nothing_on_the_postgresql_backend(cli):
    from ckanext.ogpcatalog.cli import ogpcatalog
    result = cli.invoke(ogpcatalog, ["solr-fields"])
    assert result.exit_code == 0, result.output
    assert "PostgreSQL" in result.output


@pytest.mark.ckan_config("ckan.plugins",
                         "ogpcatalog scheming_datasets scheming_groups scheming_organizations")
@pytest.mark.ckan_config("solr_url", SOLR)
@pytest.mark.usefixtures("with_plugins")
@responses.activate
def test_command_declares_the_fields_in_solr(cli):
    from ckanext.ogpcatalog.cli import ogpcatalog
    responses.get(f"{SOLR}/schema/fields", json={"fields": []})
    responses.post(f"{SOLR}/schema", json={"responseHeader": {"status": 0}})
    result = cli.invoke(ogpcatalog, ["solr-fields"])
    assert result.exit_code == 0, result.output
    sent = json.loads(responses.calls[-1].request.body)
    assert {f["name"] for f in sent["add-field"]} == set(multivalued_index_fields())
