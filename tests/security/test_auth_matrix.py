"""The auth matrix: every action the extension adds, for every kind of user, against the
declared expectation table below (the portal's access policy in one place).

Users: anonymous, a member, an editor and an admin of institution A, the admin of
institution B, and a sysadmin. Targets belong to institution A. A new ``ogpcatalog_*`` action
without a row in the table fails the test, so the table stays complete.
"""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db"),
              pytest.mark.ckan_config("ckanext.ogpcatalog.harvest.allowed_private_addresses", "127.0.0.1")]

ROLES = ("anonymous", "member", "editor", "admin", "other_admin", "sysadmin")
EVERYONE = set(ROLES)
SYSADMIN = {"sysadmin"}
EDITORS_OF_A = {"editor", "admin", "sysadmin"}
ADMINS_OF_A = {"admin", "sysadmin"}

# action -> (data_dict builder, who may, who may when the dashboard is public)
EXPECTED = {
    # OGP commitments
    "ogpcatalog_commitments_import": (lambda t: {}, SYSADMIN, SYSADMIN),
    "ogpcatalog_commitments_import_show": (lambda t: {"id": "any-import"}, SYSADMIN, SYSADMIN),
    "ogpcatalog_commitments_export": (lambda t: {}, EVERYONE, EVERYONE),
    # Harvest
    "ogpcatalog_harvest_source_dry_run": (lambda t: {"id": t["source"]}, ADMINS_OF_A, ADMINS_OF_A),
    # Publisher metrics: portal-wide reads
    "ogpcatalog_metrics_summary_show": (lambda t: {}, SYSADMIN, EVERYONE),
    "ogpcatalog_institution_metrics_list": (lambda t: {}, SYSADMIN, EVERYONE),
    "ogpcatalog_coverage_matrix_show": (lambda t: {}, SYSADMIN, EVERYONE),
    "ogpcatalog_compliance_list": (lambda t: {}, SYSADMIN, EVERYONE),
    "ogpcatalog_obligation_list": (lambda t: {}, SYSADMIN, EVERYONE),
    "ogpcatalog_metrics_timeseries_show": (lambda t: {"indicator": "datasets"}, SYSADMIN, EVERYONE),
    # Publisher metrics: one institution's reads
    "ogpcatalog_institution_metrics_show": (lambda t: {"id": t["institution"]}, EDITORS_OF_A, EVERYONE),
    "ogpcatalog_overdue_dataset_list": (lambda t: {"institution": t["institution"]}, EDITORS_OF_A, EVERYONE),
    "ogpcatalog_dataset_quality_list": (lambda t: {"institution": t["institution"]}, EDITORS_OF_A, EVERYONE),
    # Publisher metrics: writes
    "ogpcatalog_obligation_create": (lambda t: {}, SYSADMIN, SYSADMIN),
    "ogpcatalog_obligation_update": (lambda t: {}, SYSADMIN, SYSADMIN),
    "ogpcatalog_obligation_delete": (lambda t: {}, SYSADMIN, SYSADMIN),
    "ogpcatalog_obligations_import": (lambda t: {}, SYSADMIN, SYSADMIN),
    "ogpcatalog_metrics_snapshot_create": (lambda t: {}, SYSADMIN, SYSADMIN),
    "ogpcatalog_link_check_start": (lambda t: {}, SYSADMIN, SYSADMIN),
    # OCDS: reads follow the dataset (public here), writes need edit rights on it
    "ogpcatalog_ocds_summary_show": (lambda t: {"resource_id": t["resource"], "id": t["resource"]}, EVERYONE, EVERYONE),
    "ogpcatalog_ocds_suggestions_show": (lambda t: {"id": t["dataset"]}, EVERYONE, EVERYONE),
    "ogpcatalog_ocds_validate": (lambda t: {"resource_id": t["resource"], "id": t["resource"]}, EDITORS_OF_A, EDITORS_OF_A),
    "ogpcatalog_ocds_suggestions_apply": (lambda t: {"id": t["dataset"]}, EDITORS_OF_A, EDITORS_OF_A),
}


@pytest.fixture
def portal():
    users = {role: factories.User() for role in ("member", "editor", "admin", "other_admin")}
    users["sysadmin"] = factories.Sysadmin()
    institution = factories.Organization(users=[
        {"name": users["member"]["name"], "capacity": "member"},
        {"name": users["editor"]["name"], "capacity": "editor"},
        {"name": users["admin"]["name"], "capacity": "admin"}])
    factories.Organization(users=[{"name": users["other_admin"]["name"], "capacity": "admin"}])
    dataset = factories.Dataset(owner_org=institution["id"],
                                resources=[{"url": "https://datos.example.gob.ec/ocds.json", "format": "JSON"}])
    source = tk.get_action("harvest_source_create")(
        {"user": users["sysadmin"]["name"]},
        {"name": "catalogo-ministerio", "title": "Catálogo del ministerio",
         "url": "http://127.0.0.1:9/catalog.ttl", "source_type": "ogpcatalog_dcat",
         "owner_org": institution["id"], "frequency": "MANUAL"})
    targets = {"institution": institution["id"], "dataset": dataset["id"],
               "resource": dataset["resources"][0]["id"], "source": source["id"]}
    return users, targets


def _allowed(action: str, role: str, users: dict, data_dict: dict) -> bool:
    user = "" if role == "anonymous" else users[role]["name"]
    context = {"user": user, "model": model, "session": model.Session}
    try:
        tk.check_access(action, context, dict(data_dict))
        return True
    except tk.NotAuthorized:
        return False


def test_the_table_covers_every_action_of_the_extension():
    from ckanext.ogpcatalog.logic import action
    ours = {name for name in action.__all__ if name.startswith("ogpcatalog_")}
    assert ours == set(EXPECTED), {"without a row": ours - set(EXPECTED), "gone": set(EXPECTED) - ours}


@pytest.mark.parametrize("public_dashboard", [False, True])
def test_every_action_allows_exactly_the_expected_users(portal, public_dashboard):
    users, targets = portal
    tk.config["ckanext.ogpcatalog.metrics.public_dashboard"] = public_dashboard
    try:
        mismatches = {}
        for action, (build, private_roles, public_roles) in EXPECTED.items():
            expected = public_roles if public_dashboard else private_roles
            allowed = {role for role in ROLES if _allowed(action, role, users, build(targets))}
            if allowed != expected:
                mismatches[action] = {"allowed": sorted(allowed), "expected": sorted(expected)}
        assert not mismatches, mismatches
    finally:
        tk.config["ckanext.ogpcatalog.metrics.public_dashboard"] = False
