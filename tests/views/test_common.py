"""What the pages share (views/_common.py): an action's refusals as 403/404/400 pages, and a
ValidationError as one line of text."""
from __future__ import annotations

import pytest
from werkzeug.exceptions import HTTPException

import ckan.plugins.toolkit as tk

from ckanext.ogpcatalog.views._common import action_context, error_text, errors_to_status


def test_error_text_names_each_parameter_before_its_messages():
    error = tk.ValidationError({"sector": ["Unknown code: 99"], "page": ["Must be a whole number", "Too low"]})

    assert error_text(error) == "sector: Unknown code: 99 page: Must be a whole number; Too low"


def test_error_text_for_a_flash_message_gives_only_the_messages():
    error = tk.ValidationError({"fields": ["Choose at least one field to fill."]})

    assert error_text(error, fields=False) == "Choose at least one field to fill."


def test_error_text_flattens_messages_of_sub_objects():
    error = tk.ValidationError({"resources": [{}, {"url": ["Missing value"]}], "id": "Not a dataset"})

    assert error_text(error) == "resources: Missing value id: Not a dataset"


@pytest.fixture
def request_context(app):
    with app.flask_app.test_request_context("/en/"):
        yield


@pytest.mark.usefixtures("with_plugins", "request_context")
@pytest.mark.parametrize("refusal, status, text", [
    (tk.NotAuthorized(), 403, "Members only"),
    (tk.ObjectNotFound(), 404, "No such institution"),
    (tk.ValidationError({"by": ["Use dataset_type or theme"]}), 400, "by: Use dataset_type or theme"),
])
def test_refusals_of_an_action_become_error_pages(refusal, status, text):
    with pytest.raises(HTTPException) as page:
        with errors_to_status(forbidden="Members only", not_found="No such institution"):
            raise refusal

    assert (page.value.code, page.value.description) == (status, text)


@pytest.mark.usefixtures("with_plugins", "request_context")
def test_anonymous_visitor_acts_without_a_user_name():
    assert action_context() == {"user": ""}
