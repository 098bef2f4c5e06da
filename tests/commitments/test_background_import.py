"""A commitments import of more rows than ``ckanext.ogpcatalog.commitments.background_rows``
runs as a background job whose state and counts an administrator can follow; small imports
stay in the request (issue 16 item 8)."""
from __future__ import annotations

import pytest
from ckan.lib import jobs as ckan_jobs
from ckan.tests.helpers import call_action

from ckanext.ogpcatalog.commitments import jobs
from tests.commitments.conftest import import_sheet, sysadmin_context

ROWS = ("ckanext.ogpcatalog.commitments.background_rows", "5")


@pytest.fixture
def queue():
    ckan_jobs.get_queue().empty()
    yield ckan_jobs.get_queue()
    ckan_jobs.get_queue().empty()


def _run_queued(queue) -> None:
    """Run the queued import jobs here, as the worker would."""
    for job in queue.jobs:
        job.func(*job.args, **job.kwargs)


@pytest.mark.ckan_config(*ROWS)
def test_large_import_is_queued_then_done_by_the_job_with_visible_counts(portal, queue):
    answer = import_sheet(portal)
    assert answer["background"] is True
    assert answer["state"] == "queued" and answer["rows_total"] == 12
    assert call_action("package_search", q="type:commitment")["count"] == 0  # nothing yet
    _run_queued(queue)
    state = call_action("ogpcatalog_commitments_import_show", sysadmin_context(portal),
                        id=answer["id"])
    assert state["state"] == "finished"
    assert state["rows_done"] == 12
    assert state["counts"] == {"created": 8, "updated": 0, "unchanged": 0, "error": 4}
    assert state["result"]["counts"] == state["counts"]


@pytest.mark.ckan_config(*ROWS)
def test_import_page_shows_state_and_counts_and_refreshes_while_running(portal, queue, app):
    answer = import_sheet(portal, dry_run=True)
    token = call_action("api_token_create", sysadmin_context(portal),
                        user=portal["sysadmin"]["name"], name="page")["token"]
    headers = {"Authorization": token}
    page = app.get(f"/commitments/import/{answer['id']}", headers=headers)
    assert 'data-state="queued"' in page.body and 'http-equiv="refresh"' in page.body
    _run_queued(queue)
    page = app.get(f"/commitments/import/{answer['id']}", headers=headers)
    assert 'data-state="finished"' in page.body and 'http-equiv="refresh"' not in page.body
    assert "12" in page.body
    assert app.get(f"/commitments/import/{answer['id']}", status=403)


@pytest.mark.ckan_config(*ROWS)
def test_failed_job_is_reported_failed_with_the_rows_done(portal, queue):
    answer = import_sheet(portal)

    def breaks_after_three(user, work, progress):
        for outcome in ("created", "created", "error"):
            progress({"outcome": outcome})
        raise RuntimeError("disk full")

    jobs.run_import(answer["id"], {}, portal["sysadmin"]["name"], "en", runner=breaks_after_three)
    state = call_action("ogpcatalog_commitments_import_show", sysadmin_context(portal),
                        id=answer["id"])
    assert state["state"] == "failed" and "disk full" in state["error"]
    assert state["rows_done"] == 3 and state["counts"] == {"created": 2, "error": 1}


def test_small_import_stays_in_the_request(portal, queue):
    answer = import_sheet(portal)  # 12 rows, under the default of 100
    assert "background" not in answer
    assert answer["counts"]["created"] == 8
    assert not queue.jobs


@pytest.mark.ckan_config(*ROWS)
def test_file_errors_of_a_large_import_are_answered_at_once(portal, queue):
    from ckan.plugins import toolkit as tk
    with pytest.raises(tk.ValidationError) as error:
        call_action("ogpcatalog_commitments_import", sysadmin_context(portal),
                    csv="Title,Other\n" + "x,y\n" * 20)
    assert "csv" in error.value.error_dict
    assert not queue.jobs
