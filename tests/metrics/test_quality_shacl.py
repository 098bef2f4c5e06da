"""The quality score the data.europa.eu way (issue 20): the 30 DCAT-AP compliance points come
from a SHACL run on each dataset's own RDF (metrics/quality.py), and interoperability is scored
on the best distribution, not averaged over all of them."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.metrics import facts, quality

SHAPES = Path(__file__).resolve().parents[1] / "data" / "metrics" / "shapes_keywords.ttl"

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_db")]


def _site() -> dict:
    return {"user": call_action("get_site_user")["name"]}


def _interoperability() -> dict[str, float]:
    facts.refresh()
    rows = model.Session.execute(sa.text(
        "SELECT name, interoperability FROM ogpcatalog_dataset_facts")).all()
    model.Session.commit()
    return {row.name: row.interoperability for row in rows}


def _portal() -> None:
    call_action("organization_create", context=_site(), name="inec",
                title_translated={"es": "INEC", "en": "INEC"}, institution_type="agency",
                sector="01", government_level="national")
    common = {"owner_org": "inec", "notes_translated": {"es": "Datos.", "en": "Data."}}
    # a CSV and a resource without format: the best distribution is the CSV
    call_action("package_create", context=_site(), name="con-palabras", tag_string="salud",
                title_translated={"es": "Con palabras clave"}, **common,
                resources=[{"url": "https://datos.example.gob.ec/a.csv", "format": "CSV"},
                           {"url": "https://datos.example.gob.ec/a"}])
    # no keyword: title, description and URL present, but the shapes want a keyword
    call_action("package_create", context=_site(), name="sin-palabras",
                title_translated={"es": "Sin palabras clave"}, **common,
                resources=[{"url": "https://datos.example.gob.ec/b.csv", "format": "CSV"}])


# CSV: format 20 + known format 10 + open 20 + machine-readable 20 (no media type) = 70
CSV_POINTS = 70.0


def test_interoperability_counts_the_best_distribution_only():
    _portal()
    scores = _interoperability()
    # averaged over both resources it would be 35 + 30; the MQA takes the CSV's 70
    assert scores["con-palabras"] == CSV_POINTS + 30


@pytest.mark.ckan_config(quality.SHAPES_KEY, str(SHAPES))
def test_compliance_points_come_from_the_shacl_run():
    _portal()
    assert _interoperability()["sin-palabras"] == CSV_POINTS + 30  # before: the old rule

    counts = quality.check()

    assert counts == {"checked": 2, "conforming": 1, "failed": 0}
    scores = _interoperability()
    assert scores["con-palabras"] == CSV_POINTS + 30
    assert scores["sin-palabras"] == CSV_POINTS  # title, description, URL: not compliant
    package = model.Package.get("sin-palabras")
    points = quality.dataset_points(package.id)
    assert points["dcat_ap_compliant"] is False
    assert quality.check() == {"checked": 0, "conforming": 0, "failed": 0}  # nothing changed


@pytest.mark.ckan_config(quality.SHAPES_KEY, str(SHAPES))
def test_an_edit_makes_the_result_stale_until_the_next_run():
    _portal()
    _interoperability()
    quality.check()
    call_action("package_patch", context=_site(), id="sin-palabras", tag_string="salud")
    # the result was for the former metadata: the fallback rule until the next run
    assert quality.dataset_points(model.Package.get("sin-palabras").id)[
        "dcat_ap_compliant"] is None

    assert quality.check() == {"checked": 1, "conforming": 1, "failed": 0}
    assert _interoperability()["sin-palabras"] == CSV_POINTS + 30
    assert quality.dataset_points(model.Package.get("sin-palabras").id)[
        "dcat_ap_compliant"] is True


def test_without_shapes_the_check_says_which_setting_is_missing():
    with pytest.raises(quality.ShapesUnavailable) as error:
        quality.check()
    assert quality.SHAPES_KEY in str(error.value)


@pytest.mark.ckan_config(quality.SHAPES_KEY, "/nonexistent/shapes.ttl")
def test_unreadable_shapes_are_named():
    with pytest.raises(quality.ShapesUnavailable) as error:
        quality.check()
    assert "/nonexistent/shapes.ttl" in str(error.value)


@pytest.mark.ckan_config(quality.SHAPES_KEY, str(SHAPES))
def test_the_command_reports_what_it_checked(cli):
    from ckan.cli.cli import ckan as ckan_command

    _portal()
    result = cli.invoke(ckan_command, ["ogpcatalog", "metrics", "shacl-check",
                                               "--dataset", "sin-palabras"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    rows = model.Session.execute(sa.text(
        "SELECT p.name, s.conforms FROM ogpcatalog_dataset_shacl s "
        "JOIN package p ON p.id = s.package_id")).all()
    assert [(r.name, r.conforms) for r in rows] == [("sin-palabras", False)]
