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
