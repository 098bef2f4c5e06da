"""The real commitment files of ../shared/corpus/ogp/ (Mexico's AGA dashboard CSV and nested
JSON, Buenos Aires' OGP Local JSON, open.usa.gov's fifth US plan, and files that hold no
commitments): each tracker's file imports through its shipped column map, recognised by its
columns; the others are refused plainly, never with a crash. Prints a report per file (run
with -s to see it). Skipped, saying so, when ../shared is not there (the suite stands on
tests/data alone)."""
from __future__ import annotations

from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from tests.commitments.conftest import sysadmin_context, upload

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "ogp"

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

# file -> (column map recognised, commitments created on a fresh portal, rows refused)
EXPECTED = {
    "mexico_aga_tablero_plan4_compromisos.csv": ("mexico-aga", 13, 0),
    "mexico_aga_tablero_plan4_2019-2021.json": ("mexico-aga", 13, 0),
    "buenos_aires_ogp_local_2017/ogp_compromisos.json": ("buenos-aires", 10, 0),
    "buenos_aires_ogp_local_2017/ogp_compromisos_12.json": ("buenos-aires", 1, 0),
    "buenos_aires_ogp_local_2017/ogp_compromisos_2.json": ("buenos-aires", 1, 0),
    "buenos_aires_ogp_local_2017/ogp_compromisos_4.json": ("buenos-aires", 1, 0),
    "buenos_aires_ogp_local_2017/ogp_compromisos_plan_1.json": ("buenos-aires", 5, 0),
    "us_nap5_commitments_open.usa.gov.json": ("us-nap5", 36, 0),
}


@pytest.fixture
def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"SKIPPED: the corpus is not here ({CORPUS.resolve()}); the real trackers' "
                    "files were not imported")
    return sorted(path for path in CORPUS.rglob("*") if path.is_file())


def _import(portal: dict, path: Path) -> dict:
    return call_action("ogpcatalog_commitments_import", sysadmin_context(portal),
                       upload=upload(path), owner_org="mintel", dry_run=True)


def test_each_real_tracker_file_imports_through_its_map(portal, corpus_files):
    print()
    seen = set()
    for path in corpus_files:
        name = path.relative_to(CORPUS).as_posix()
        try:
            result = _import(portal, path)
        except tk.ValidationError as error:
            message = error.error_dict["csv"][0]
            print(f"{name}: refused: {message}")
            assert name not in EXPECTED, (name, message)
            assert ("Required columns missing" in message
                    or message.startswith("The file is JSON but not a list of rows"))
            continue
        counts = result["counts"]
        print(f"{name}: map {result['column_map']}; {counts['created']} created, "
              f"{counts['error']} refused")
        for row in result["rows"]:
            for entry in row["errors"]:
                print(f"    row {row['row']}: {entry['field']}: {entry['message'][:100]}")
        if name in EXPECTED:
            seen.add(name)
            column_map, created, refused = EXPECTED[name]
            assert (result["column_map"], counts["created"], counts["error"]) == (
                column_map, created, refused), name
    assert seen == set(EXPECTED)


def test_mexico_commitments_keep_the_dashboards_uuids_and_us_ones_their_ogp_ids(portal, corpus_files):
    mexico = call_action("ogpcatalog_commitments_import", sysadmin_context(portal),
                         upload=upload(CORPUS / "mexico_aga_tablero_plan4_2019-2021.json"),
                         owner_org="mintel")
    assert mexico["counts"]["created"] == 13
    first = mexico["rows"][0]
    assert first["tracker_id"] == "646dbfb1-4116-4841-acea-86e1f81a8719" and not first["ogp_id"]
    # The flat CSV of the same dashboard finds the same 13 commitments.
    again = call_action("ogpcatalog_commitments_import", sysadmin_context(portal),
                        upload=upload(CORPUS / "mexico_aga_tablero_plan4_compromisos.csv"),
                        owner_org="mintel")
    assert again["counts"]["created"] == 0 and again["counts"]["error"] == 0

    us = call_action("ogpcatalog_commitments_import", sysadmin_context(portal),
                     upload=upload(CORPUS / "us_nap5_commitments_open.usa.gov.json"),
                     owner_org="mintel")
    assert us["counts"] == {"created": 36, "updated": 0, "unchanged": 0, "error": 0}
    found = call_action("package_search", fq='ogp_id:"US0113"')["results"][0]
    assert found["title_translated"]["en"].startswith("Expand the Production")
