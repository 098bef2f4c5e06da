"""Opt-in (OGPCATALOG_CORPUS=1): the commitment files of /work/shared/corpus/ogp/, which are
not OGP's official sheet (Buenos Aires, Mexico's AGA dashboard, US NAP5). The import must say
plainly what is missing, never crash, and import what a mapping file makes importable.
Prints a report per file (run with -s to see it)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from tests.commitments.conftest import DATA, sysadmin_context, upload

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "ogp"

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def corpus_files() -> list[Path]:
    if os.environ.get("OGPCATALOG_CORPUS") != "1":
        pytest.skip("corpus run not requested: set OGPCATALOG_CORPUS=1 to import /work/shared/corpus/ogp")
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS.resolve()}")
    return sorted(path for path in CORPUS.rglob("*") if path.is_file())


def _report(path: Path, outcome: str) -> None:
    print(f"{path.relative_to(CORPUS)}: {outcome}")


def test_corpus_files_are_reported_file_by_file(portal, corpus_files):
    factories.Group(type="action-plan", name="mexico-2019-2021", country_or_locality="México",
                    plan_scope="national", plan_number="4",
                    title_translated={"es": "Cuarto Plan de Acción de México 2019-2021"})
    factories.Group(type="action-plan", name="united-states-2022-2024", country_or_locality="United States",
                    plan_scope="national", plan_number="5",
                    title_translated={"en": "Fifth U.S. Open Government National Action Plan"})
    mapped = {
        "mexico_aga_tablero_plan4_compromisos.csv": {
            "columns": (DATA / "mexico_columns.yaml").read_text(encoding="utf-8"),
            "action_plan": "mexico-2019-2021", "owner_org": "mintel"},
        "us_nap5_commitments_open.usa.gov.json": {
            "columns": (DATA / "us_nap5_columns.yaml").read_text(encoding="utf-8"),
            "action_plan": "united-states-2022-2024", "owner_org": "mintel", "language": "en"},
    }
    print()
    results = {}
    for path in corpus_files:
        options = mapped.get(path.name, {"dry_run": True})
        try:
            result = call_action("ogpcatalog_commitments_import", sysadmin_context(portal),
                                 upload=upload(path), **options)
        except tk.ValidationError as error:
            message = error.error_dict["csv"][0]
            _report(path, message)
            assert path.name not in mapped
            assert ("Required columns missing" in message
                    or message.startswith("The file is JSON but not a list of rows"))
            continue
        results[path.name] = counts = result["counts"]
        _report(path, ", ".join(f"{counts[k]} {k}" for k in counts)
                + f"; unknown columns: {len(result['columns']['unknown'])}")
        for row in result["rows"]:
            for entry in row["errors"]:
                print(f"    row {row['row']}: {entry['field']}: {entry['message'][:100]}")
        if path.name.startswith("mexico"):
            # The dashboard's identifiers are UUIDs, not OGP codes: each row says so.
            assert counts["error"] == len(result["rows"]) > 0
            assert all(row["errors"][0]["field"] == "id" for row in result["rows"])
    # open.usa.gov carries OGP's own identifiers (US0113-US0148): every commitment imports.
    assert results["us_nap5_commitments_open.usa.gov.json"] == {
        "created": 36, "updated": 0, "unchanged": 0, "error": 0}
    us = call_action("package_search", fq='ogp_id:"US0113"')["results"][0]
    assert us["title_translated"]["en"].startswith("Expand the Production")
