"""Who may call each metrics action: anonymous, member, editor, admin of the institution, admin
of another institution, sysadmin; with the dashboard private (default) and public."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action, call_auth

from tests.metrics.metrics_portal import portal  # noqa: F401  (module fixture)

pytestmark = pytest.mark.usefixtures("portal")

ROLES = ("anonymous", "member", "editor", "admin", "other_admin", "sysadmin")
PUBLIC_KEY = "ckanext.ogpcatalog.metrics.public_dashboard"

PORTAL_READS = [
    ("ogpcatalog_metrics_summary_show", {}),
    ("ogpcatalog_institution_metrics_list", {}),
    ("ogpcatalog_coverage_matrix_show", {"by": "theme"}),
    ("ogpcatalog_compliance_list", {}),
    ("ogpcatalog_obligation_list", {}),
    ("ogpcatalog_overdue_dataset_list", {}),
    ("ogpcatalog_dataset_quality_list", {}),
    ("ogpcatalog_metrics_timeseries_show", {"indicator": "datasets"}),
]
INSTITUTION_READS = [
    ("ogpcatalog_institution_metrics_show", {"id": "msp"}),
    ("ogpcatalog_overdue_dataset_list", {"institution": "msp"}),
    ("ogpcatalog_dataset_quality_list", {"institution": "msp"}),
    ("ogpcatalog_metrics_timeseries_show", {"indicator": "datasets", "institution": "msp"}),
]
WRITES = [
    ("ogpcatalog_obligation_create", {"code": "nueva", "title": {"es": "Nueva"}}),
    ("ogpcatalog_obligation_update", {"code": "salud", "legal_basis": "x"}),
    ("ogpcatalog_obligation_delete", {"code": "salud"}),
    ("ogpcatalog_obligations_import", {"data": "obligations: []"}),
    ("ogpcatalog_metrics_snapshot_create", {}),
    ("ogpcatalog_link_check_start", {}),
]


def _context(portal, role: str) -> dict:
    return {"user": "" if role == "anonymous" else portal[role]["name"]}


def _allowed(portal, role: str, action: str, data: dict) -> bool:
    try:
        call_auth(action, _context(portal, role), **data)
    except tk.NotAuthorized:
        return False
    return True


@pytest.fixture
def public(monkeypatch):
    monkeypatch.setitem(tk.config, PUBLIC_KEY, True)


@pytest.mark.parametrize("action, data", PORTAL_READS, ids=[a for a, _ in PORTAL_READS])
def test_portal_wide_reads_are_for_sysadmins_only_by_default(portal, action, data):
    allowed = {role for role in ROLES if _allowed(portal, role, action, data)}

    assert allowed == {"sysadmin"}


@pytest.mark.parametrize("action, data", INSTITUTION_READS,
                         ids=[a for a, _ in INSTITUTION_READS])
def test_institution_reads_are_for_its_admins_editors_and_sysadmins(portal, action, data):
    allowed = {role for role in ROLES if _allowed(portal, role, action, data)}

    assert allowed == {"editor", "admin", "sysadmin"}


@pytest.mark.usefixtures("public")
@pytest.mark.parametrize("action, data", PORTAL_READS + INSTITUTION_READS,
                         ids=[a for a, _ in PORTAL_READS + INSTITUTION_READS])
def test_every_read_is_open_to_anyone_when_the_dashboard_is_public(portal, action, data):
    allowed = {role for role in ROLES if _allowed(portal, role, action, data)}

    assert allowed == set(ROLES)


@pytest.mark.parametrize("is_public", [False, True])
@pytest.mark.parametrize("action, data", WRITES, ids=[a for a, _ in WRITES])
def test_writes_are_for_sysadmins_only_even_when_public(portal, monkeypatch, action, data,
                                                        is_public):
    monkeypatch.setitem(tk.config, PUBLIC_KEY, is_public)

    allowed = {role for role in ROLES if _allowed(portal, role, action, data)}

    assert allowed == {"sysadmin"}


def test_an_institution_admin_cannot_read_another_institution(portal):
    with pytest.raises(tk.NotAuthorized):
        call_action("ogpcatalog_institution_metrics_show",
                    {"user": portal["other_admin"]["name"], "ignore_auth": False}, id="msp")


def test_an_editor_cannot_create_an_obligation_through_the_action(portal):
    with pytest.raises(tk.NotAuthorized):
        call_action("ogpcatalog_obligation_create",
                    {"user": portal["editor"]["name"], "ignore_auth": False},
                    code="x", title={"es": "X"})
    assert "x" not in [o["code"] for o in call_action("ogpcatalog_obligation_list",
                                                      {"user": portal["sysadmin"]["name"]}
                                                      )["results"]]


def test_anonymous_api_call_is_refused_with_a_403_in_spanish(portal, app):
    response = app.get("/api/3/action/ogpcatalog_metrics_summary_show", status=403)

    assert response.json["success"] is False
    assert "administradores del sistema" in response.json["error"]["message"] or \
        "sysadmin" in response.json["error"]["message"]


def test_anonymous_api_call_succeeds_when_public(portal, app, public):
    response = app.get("/api/3/action/ogpcatalog_metrics_summary_show",
                       query_string={"institution_type": "ministry"})

    assert response.json["result"]["datasets"]["total"] == 8


def test_bad_filter_through_the_api_is_a_409_naming_the_field_in_english(portal, app, public):
    response = app.get("/api/3/action/ogpcatalog_metrics_summary_show",
                       query_string={"theme": "NOPE"}, headers={"Accept-Language": "en"},
                       status=409)

    assert response.json["error"]["theme"] == ["Unknown code: NOPE"]
