"""Round trip: the catalogue a portal serves (/catalog.ttl) parsed back with the profile chain
becomes datasets of another institution with the same types, bilingual values, procurement and
commitment fields and resources. Parsed with ckanext-dcat's RDFParser and created with
package_create (the HTTP harvest of the same output is in test_conformance_corpus's sibling,
test_profile_harvest_roundtrip)."""
from __future__ import annotations

import pytest
from ckanext.dcat.processors import RDFParser

from ckan.tests.helpers import call_action
from ckanext.ogpcatalog.dcat.profile import PARSE_ERRORS_KEY, PARSE_WARNINGS_KEY
from tests.dcat import portal

PROFILES = ["euro_dcat_ap_3", "euro_dcat_ap_scheming", "ogpcatalog"]

SAME_FIELDS = {
    "dataset": ["title_translated", "notes_translated", "theme", "language", "access_rights",
                "contact", "frequency", "temporal_coverage", "spatial_coverage", "issued",
                "modified", "version", "url", "documentation", "conforms_to", "license_id"],
    "procurement": ["title_translated", "notes_translated", "buyer", "buyer_name", "stages",
                    "procurement_methods", "local_method_names", "main_categories",
                    "period_start", "period_end", "process_count", "currencies",
                    "total_values", "emergency", "emergency_legal_basis", "ocds_version",
                    "ocds_package_type", "ocid_prefixes", "publication_policy_url",
                    "source_system", "frequency", "api_url", "bulk_download_url",
                    "access_rights", "temporal_coverage", "language", "issued", "modified",
                    "conforms_to", "theme"],
    "commitment": ["title_translated", "notes_translated", "ogp_id", "short_title",
                   "action_plan", "commitment_number", "problem", "lead_institution",
                   "lead_institution_name", "supporting_institutions", "ogp_values",
                   "policy_areas", "theme", "start_date", "end_date", "commitment_status",
                   "milestones", "irm_specificity", "irm_completion", "irm_starred",
                   "irm_report_url"],
}
RESOURCE_FIELDS = ["url", "name", "description", "format", "download_url", "access_url",
                   "language", "license", "rights"]


def _normalised(value):
    if isinstance(value, list):
        return sorted((_normalised(v) for v in value), key=repr)
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items() if v not in ("", None, [])}
    return value


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_served_catalogue_round_trips_into_another_institution(app):
    originals = portal.build()
    portal.institution("receptor", "Portal receptor", "Receiving portal", "1760009020001")
    body = app.get("/catalog.ttl").body

    parser = RDFParser(profiles=PROFILES)
    parser.parse(body, _format="turtle")
    parsed = list(parser.datasets())
    assert sorted(d["type"] for d in parsed) == ["commitment", "dataset", "procurement"]

    # the procurement first: the commitment's milestone cites it as evidence
    order = {"dataset": 0, "procurement": 1, "commitment": 2}
    copies = {}
    for dataset in sorted(parsed, key=lambda d: order[d["type"]]):
        assert dataset.pop(PARSE_ERRORS_KEY) == []
        dataset.pop(PARSE_WARNINGS_KEY)
        original = originals[dataset["type"]]
        if dataset["type"] == "commitment":  # OGP identifiers are unique on a portal
            call_action("dataset_purge", context=portal.site(), id=original["id"])
        dataset.update(owner_org="receptor", name=original["name"] + "-copia")
        copies[dataset["type"]] = call_action("package_create", context=portal.site(),
                                              **dataset)

    for dataset_type, copy in copies.items():
        original = originals[dataset_type]
        assert copy["type"] == dataset_type
        assert copy["organization"]["name"] == "receptor"
        for field in SAME_FIELDS[dataset_type]:
            assert _normalised(copy.get(field)) == _normalised(original.get(field)), \
                (dataset_type, field)
        assert len(copy["resources"]) == len(original["resources"])
        for field in RESOURCE_FIELDS:
            assert copy["resources"][0].get(field) == original["resources"][0].get(field), \
                (dataset_type, "resource", field)
