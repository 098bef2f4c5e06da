"""The OCDS validation's memory is bounded: a file of more JSON values than
``ckanext.ogpcatalog.ocds.max_values`` is not parsed, and its report says why (issue 16 item 8)."""
from __future__ import annotations

import json

import pytest

from ckanext.ogpcatalog.ocds import detect, jobs, messages

NESTED = json.dumps({"uri": "x", "version": "1.1", "publishedDate": "2024-01-01T00:00:00Z",
                     "publisher": {"name": "p"},
                     "releases": [{"ocid": "ocds-1", "id": "1", "x": [[1, 2]] * 400}]}).encode()


@pytest.mark.ckan_config("ckanext.ogpcatalog.ocds.max_values", "1000")
def test_file_of_too_many_values_is_refused_before_parsing_with_the_reason(ckan_config):
    with pytest.raises(detect.FileProblem) as problem:
        jobs.analyse(NESTED)
    assert problem.value.code == "too_many_values"
    assert problem.value.params["limit"] == 1000 and problem.value.params["count"] > 1000
    text = messages.problem_message({"code": problem.value.code, "params": problem.value.params})
    assert "ckanext.ogpcatalog.ocds.max_values" in text and "1000" in text


def test_default_limit_lets_ordinary_files_through():
    assert jobs.json_input.value_count(NESTED) < 2_000_000
    jobs.check_size(NESTED)  # no problem raised
