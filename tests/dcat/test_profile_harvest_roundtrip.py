"""Round trip over HTTP: one portal's served catalogue (/catalog.ttl of the test app), served
again from a 127.0.0.1 server and harvested for real by the portal's harvester: bilingual
values, codes and resources come back; procurement and commitment keep their type and fields."""
from __future__ import annotations

import pytest

from ckan.tests.helpers import call_action

from tests.dcat import harvest_server as hs
from tests.dcat import portal

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config(*hs.ALLOW_LOCAL_CONFIG)]


def _harvest_own_catalogue(app, server, config=None):
    originals = portal.build()
    receptor = portal.institution("receptor", "Portal receptor", "Receiving portal",
                                  "1760009020001")
    body = app.get("/catalog.ttl").body.encode("utf-8")
    url = server.serve("/otro-portal/catalog.ttl", body)
    # the other portal has the same commitment: its OGP identifier must be free here
    call_action("dataset_purge", context=portal.site(), id=originals["commitment"]["id"])
    source = hs.source(url, receptor["id"], name="otro-portal", config=config)
    job, _results = hs.harvest(source["id"])
    harvested = call_action("package_search", fq=f"harvest_source_id:{source['id']}",
                            include_private=True, rows=10)["results"]
    return originals, {d["title"]: d for d in harvested}, hs.job_messages(job)


def test_general_dataset_comes_back_with_bilingual_values_codes_and_resources(app, server):
    # language_normalization off: the profile already gives the codelist's codes (SPA, ENG)
    originals, harvested, messages = _harvest_own_catalogue(
        app, server, {"language_normalization": False})
    original = originals["dataset"]
    copy = harvested[original["title"]]
    for field in ("title_translated", "notes_translated", "theme", "language", "frequency",
                  "access_rights", "temporal_coverage", "issued", "modified", "url"):
        assert copy[field] == original[field], (field, messages)
    assert copy["owner_org"] == original["owner_org"]  # publisher found by legal identifier
    [resource] = copy["resources"]
    assert resource["rights"] == {"es": "Cite la fuente.", "en": "Cite the source."}
    assert resource["format"] == "CSV"


def test_procurement_and_commitment_keep_their_type_and_fields(app, server):
    originals, harvested, messages = _harvest_own_catalogue(app, server)
    by_type = {d["type"]: d for d in harvested.values()}
    assert set(by_type) == {"dataset", "procurement", "commitment"}, messages
    procurement, commitment = by_type["procurement"], by_type["commitment"]
    assert procurement["total_values"] == originals["procurement"]["total_values"]
    assert procurement["emergency_legal_basis"] == \
        originals["procurement"]["emergency_legal_basis"]
    assert procurement["buyer"] == "inec"
    assert commitment["milestones"] == originals["commitment"]["milestones"]
    assert commitment["action_plan"] == portal.PLAN


def test_own_catalogue_harvests_into_a_fresh_portal_with_its_action_plan(app, server):
    """A portal that has neither the institutions nor the action plan (issue 20: "Action plan:
    Falta el valor"): the commitment comes back, and so does the plan it belongs to."""
    originals = portal.build()
    plan = call_action("group_show", id=portal.PLAN)
    body = app.get("/catalog.ttl").body.encode("utf-8")
    # the fresh portal: none of the datasets, institutions or the plan
    for dataset in originals.values():
        call_action("dataset_purge", context=portal.site(), id=dataset["id"])
    call_action("group_purge", context=portal.site(), id=plan["id"])
    for name in ("inec", "sercop"):
        call_action("organization_purge", context=portal.site(), id=name)
    receptor = portal.institution("receptor", "Portal receptor", "Receiving portal",
                                  "1760009020001")
    url = server.serve("/portal-original/catalog.ttl", body)
    source = hs.source(url, receptor["id"], name="portal-original",
                       config={"language_normalization": False})
    job, _results = hs.harvest(source["id"])
    harvested = {d["type"]: d for d in call_action(
        "package_search", fq=f"harvest_source_id:{source['id']}", include_private=True,
        rows=10)["results"]}
    messages = hs.job_messages(job)
    assert set(harvested) == {"dataset", "procurement", "commitment"}, messages
    commitment = harvested["commitment"]
    assert commitment["action_plan"] == portal.PLAN
    for field in ("title_translated", "notes_translated", "problem", "ogp_id", "start_date",
                  "end_date", "supporting_institutions"):
        assert commitment[field] == originals["commitment"][field], field
    assert [m["description"] for m in commitment["milestones"]] == \
        [m["description"] for m in originals["commitment"]["milestones"]]
    again = call_action("group_show", id=portal.PLAN)
    for field in ("title_translated", "country_or_locality", "plan_scope"):
        assert again[field] == plan[field], field
