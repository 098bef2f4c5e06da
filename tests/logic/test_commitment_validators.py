"""Validators of commitments: the OGP identifier is unique among datasets, and the action plan
is an existing group of type action-plan."""
from __future__ import annotations

from collections import defaultdict

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.logic import validators as v

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _context(**extra) -> dict:
    return {"model": model, "session": model.Session, **extra}


def _unique_errors(value: str, **data) -> list[str]:
    flat = {("ogp_id",): value, **{(k,): val for k, val in data.items()}}
    errors = defaultdict(list)
    v.ogpcatalog_ogp_identifier_unique(("ogp_id",), flat, errors, _context())
    return errors[("ogp_id",)]


@pytest.fixture
def commitment(with_plugins, clean_db):
    org = factories.Organization()
    plan = factories.Group(type="action-plan", name="plan-2019", country_or_locality="Ecuador",
                           plan_scope="national", title_translated={"es": "Plan 2019"})
    site = {"user": call_action("get_site_user")["name"]}
    return call_action("package_create", site, type="commitment", name="ec0003-compras",
                       owner_org=org["id"], ogp_id="EC0003", action_plan=plan["name"],
                       title_translated={"es": "Compras abiertas"})


def test_an_identifier_no_dataset_has_is_unique():
    assert _unique_errors("EC0003") == []


@pytest.mark.usefixtures("commitment")
def test_an_identifier_another_dataset_has_is_rejected_naming_it():
    assert _unique_errors("EC0003") == ["Another commitment already has the OGP identifier EC0003"]


def test_the_dataset_that_has_the_identifier_keeps_it(commitment):
    assert _unique_errors("EC0003", id=commitment["id"]) == []


def test_the_dataset_being_updated_keeps_its_identifier(commitment):
    flat = {("ogp_id",): "EC0003"}
    errors = defaultdict(list)
    package = model.Package.get(commitment["id"])
    v.ogpcatalog_ogp_identifier_unique(("ogp_id",), flat, errors, _context(package=package))
    assert errors[("ogp_id",)] == []


def test_the_identifier_of_a_deleted_dataset_is_free(commitment):
    call_action("package_delete", {"user": call_action("get_site_user")["name"]}, id=commitment["id"])
    assert _unique_errors("EC0003") == []


def test_other_identifiers_are_unique(commitment):
    assert _unique_errors("EC0004") == []


def test_empty_identifier_is_left_to_the_required_check():
    assert _unique_errors("") == []


def test_action_plan_is_stored_by_name_when_given_by_id():
    plan = factories.Group(type="action-plan", name="plan-2019", country_or_locality="Ecuador",
                           plan_scope="national", title_translated={"es": "Plan 2019"})
    assert v.ogpcatalog_action_plan(plan["id"], _context()) == "plan-2019"


def test_unknown_action_plan_is_rejected_naming_it():
    with pytest.raises(tk.Invalid, match="Action plan not found: plan-2030"):
        v.ogpcatalog_action_plan("plan-2030", _context())


def test_a_theme_group_is_not_an_action_plan():
    factories.Group(name="gobierno-abierto")
    with pytest.raises(tk.Invalid, match="gobierno-abierto"):
        v.ogpcatalog_action_plan("gobierno-abierto", _context())


def test_an_institution_is_not_an_action_plan():
    factories.Organization(name="sercop")
    with pytest.raises(tk.Invalid, match="sercop"):
        v.ogpcatalog_action_plan("sercop", _context())


def test_a_deleted_action_plan_is_rejected():
    plan = factories.Group(type="action-plan", name="plan-2019", country_or_locality="Ecuador",
                           plan_scope="national", title_translated={"es": "Plan 2019"})
    model.Group.get(plan["id"]).state = "deleted"
    model.Session.commit()
    with pytest.raises(tk.Invalid):
        v.ogpcatalog_action_plan("plan-2019", _context())


def test_empty_action_plan_is_left_to_the_required_check():
    assert v.ogpcatalog_action_plan("", _context()) == ""
