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
    # the milestones' evidence links: to the same catalogue's procurement dataset, harvested
    # in the same job (imported before the commitment) under a name of its own
    assert [m.get("evidence_datasets") for m in commitment["milestones"]] == \
        [[harvested["procurement"]["name"]], None], messages
    assert [m.get("evidence_url") for m in commitment["milestones"]] == \
        [m.get("evidence_url") for m in originals["commitment"]["milestones"]]
    assert not [m for m in messages if "evidence" in m.lower()], messages
    again = call_action("group_show", id=portal.PLAN)
    for field in ("title_translated", "country_or_locality", "plan_scope"):
        assert again[field] == plan[field], field


def test_evidence_link_to_a_dataset_the_catalogue_does_not_describe_is_left_out_with_a_notice(
        app, server):
    """The evidence dataset is neither in the harvested catalogue nor on this portal: the
    commitment is imported, the link left out, and the record says so (a notice)."""
    originals = portal.build()
    plan = call_action("group_show", id=portal.PLAN)
    body = app.get(f"/dataset/{originals['commitment']['name']}.ttl").body.encode("utf-8")
    for dataset in originals.values():
        call_action("dataset_purge", context=portal.site(), id=dataset["id"])
    call_action("group_purge", context=portal.site(), id=plan["id"])
    receptor = portal.institution("receptor", "Portal receptor", "Receiving portal",
                                  "1760009020001")
    url = server.serve("/solo-compromiso/dataset.ttl", body)
    source = hs.source(url, receptor["id"], name="solo-compromiso",
                       config={"language_normalization": False})
    job, _results = hs.harvest(source["id"])
    [commitment] = call_action("package_search", fq=f"harvest_source_id:{source['id']}",
                               include_private=True, rows=10)["results"]
    assert [m.get("evidence_datasets") for m in commitment["milestones"]] == [None, None]
    notices = [m for m in hs.job_messages(job) if "evidencia" in m or "evidence" in m]
    assert len(notices) == 1 and "1" in notices[0], hs.job_messages(job)



def test_series_services_legislation_and_hvd_come_back(app, server):
    """DCAT-AP 3 (issue 20): the yearly series and its releases, the data service and what it
    serves, the legal basis (also the obligations') and the HVD category survive our own
    catalogue harvested into a fresh portal; the navigation is recomputed there."""
    import rdflib
    from rdflib.namespace import DCAT

    from tests.dcat import dcat_ap3_portal as ap3

    built = ap3.build()
    original_release = app.get("/dataset/compras-publicas-2022.ttl").body
    legislation = {str(o) for o in rdflib.Graph().parse(data=original_release, format="turtle")
                   .objects(None, rdflib.URIRef("http://data.europa.eu/r5r/applicableLegislation"))}
    body = app.get("/catalog.ttl").body.encode("utf-8")
    for record in [built["series"], built["service"], *built["releases"].values()]:
        call_action("dataset_purge", context=portal.site(), id=record["id"])
    receptor = portal.institution("receptor", "Portal receptor", "Receiving portal",
                                  "1760009020001")
    url = server.serve("/portal-ap3/catalog.ttl", body)
    source = hs.source(url, receptor["id"], name="portal-ap3",
                       config={"language_normalization": False})
    job, _results = hs.harvest(source["id"])
    messages = hs.job_messages(job)
    harvested = call_action("package_search", fq=f"harvest_source_id:{source['id']}",
                            include_private=True, rows=20)["results"]
    by_type: dict[str, list] = {}
    for dataset in harvested:
        by_type.setdefault(dataset["type"], []).append(dataset)
    assert sorted((t, len(d)) for t, d in by_type.items()) == [
        ("data_service", 1), ("dataset", 3), ("dataset_series", 1)], messages
    [series], [service] = by_type["dataset_series"], by_type["data_service"]
    releases = {d["temporal_coverage"][0]["start"][:4]: d for d in by_type["dataset"]}
    for release in releases.values():
        assert release["in_series"] == [series["name"]], messages
        assert release["hvd_category"] == ["c_e1da4e07"]
        assert set(release["applicable_legislation"]) == legislation
    assert service["endpoint_url"] == built["service"]["endpoint_url"]
    assert service["endpoint_description"] == built["service"]["endpoint_description"]
    assert service["serves_dataset"] == [releases["2023"]["name"]]
    graph = rdflib.Graph().parse(data=app.get(f"/dataset/{series['name']}.ttl").body,
                                 format="turtle")
    [series_ref] = graph.subjects(DCAT.first, None)
    first = rdflib.Graph().parse(data=app.get(f"/dataset/{releases['2021']['name']}.ttl").body,
                                 format="turtle")
    [first_ref] = first.subjects(DCAT.inSeries, series_ref)
    assert graph.value(series_ref, DCAT.first) == first_ref
